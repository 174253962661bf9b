using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Reports;
using CrmBot.Slack.Tests.Fakes;

namespace CrmBot.Slack.Tests;

/// <summary>Slack has no chart block: a report's chart follows the answer as a PNG, uploaded the three-step way.</summary>
public sealed class ChartUploadFacts : SlackHostTest
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static Reply WithChart(FakeChatEngine.Turn turn, bool personal) => new()
    {
        Kind = ReplyKind.Report,
        Language = "en",
        Title = "Pipeline by stage",
        Report = new ReportResult
        {
            Kind = ReportKind.Pipeline, Language = "en", Title = "Pipeline by stage", Scope = "Team North",
            AsOf = new DateOnly(2017, 9, 30), Context = "Team North · as of 2017-09-30", HasPersonalRecords = personal,
            Chart = new Chart(ChartKind.StackedBar, "Pipeline by stage", "Stage", "USD", ["Prospecting", "Engaging"],
                [new ChartSeries("USD", [1200, 3400])]),
        },
    };

    [Fact]
    public async Task ReportWithAChart_IsFollowedByItsPngUploadedIntoTheSameChannelAndThread()
    {
        Engine.Answer = turn => WithChart(turn, personal: false);

        using var ack = await Host.PostJsonAsync("/slack/events", Event("Ev1", Mention("<@UBOT> pipeline by stage").Also(m => m["thread_ts"] = "1700000000.000000")));

        var complete = await Slack.WaitForAsync("files.completeUploadExternal");
        var ticket = Assert.Single(Slack.Calls("files.getUploadURLExternal"));
        var upload = Assert.Single(Slack.Calls("upload"));
        Assert.Equal(PngSignature, upload.Body[..8]);
        Assert.Equal(upload.Body.Length.ToString(), ticket.Form["length"]);
        Assert.Equal("C1", complete.Form["channel_id"]);
        Assert.Equal("1700000000.000000", complete.Form["thread_ts"]);
        var file = JsonNode.Parse(complete.Form["files"])!.AsArray().Single()!;
        Assert.Equal("F123", file["id"]!.GetValue<string>()); // the id the fake server handed out in step one
        Assert.Equal("Pipeline by stage", file["title"]!.GetValue<string>());
        // The answer itself went first, in the thread.
        var posted = Assert.Single(Slack.Calls("chat.postMessage"));
        Assert.Equal("1700000000.000000", posted.Json!["thread_ts"]!.GetValue<string>());
    }

    [Fact]
    public async Task PersonalChartAskedInAChannel_GoesToTheAskersDm_NotTheChannel()
    {
        Engine.Answer = turn => WithChart(turn, personal: true);

        using var ack = await Host.PostFormAsync("/slack/commands", Command("pipeline by stage"));

        var complete = await Slack.WaitForAsync("files.completeUploadExternal");
        Assert.Equal("DU1", complete.Form["channel_id"]); // what the fake's conversations.open answers for U1
        Assert.Equal("ephemeral", (await Slack.WaitForAsync("response_url")).Json!["response_type"]!.GetValue<string>());
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
