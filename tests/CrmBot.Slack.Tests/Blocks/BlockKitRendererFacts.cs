using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Slack.Blocks;
using CrmBot.Slack.Inbound;
using CrmBot.Testing;
using CrmBot.Testing.Replies;

namespace CrmBot.Slack.Tests.Blocks;

public sealed class BlockKitRendererFacts
{
    private static readonly BlockKitRenderer Renderer = new(new RecordLinks("https://crm.example.com/{kind}/{id}"));

    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in SampleReplies.Languages)
            foreach (var (name, _) in SampleReplies.All(language)) data.Add(name, language);
        return data;
    }

    private static Reply Sample(string name, string language) => SampleReplies.All(language).Single(s => s.Name == name).Reply;

    private static IEnumerable<JsonObject> Descendants(JsonNode? node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.SelectMany(p => Descendants(p.Value))),
        JsonArray a => a.SelectMany(Descendants),
        _ => [],
    };

    private static string Type(JsonNode? n) => n?["type"]?.GetValue<string>() ?? "";

    private static string TextOf(JsonNode? n) => n?["text"]?.GetValue<string>() ?? "";

    [Theory]
    [MemberData(nameof(Samples))]
    public void Render_StaysWithinSlackLimits_ForEverySample(string name, string language)
    {
        var message = Renderer.Render(Sample(name, language));
        var blocks = message.Blocks.Select(b => b!.AsObject()).ToList();

        Assert.InRange(blocks.Count, 1, 50);
        foreach (var block in blocks)
        {
            switch (Type(block))
            {
                case "header":
                    Assert.InRange(TextOf(block["text"]).Length, 1, 150);
                    break;
                case "section":
                    if (block["text"] is { } text) Assert.InRange(TextOf(text).Length, 1, 3000);
                    if (block["fields"] is JsonArray fields)
                    {
                        Assert.InRange(fields.Count, 1, 10);
                        Assert.All(fields, f => Assert.InRange(TextOf(f).Length, 1, 2000));
                    }
                    break;
                case "actions":
                    var elements = block["elements"]!.AsArray();
                    Assert.InRange(elements.Count, 1, 25);
                    var ids = elements.Select(e => e!["action_id"]!.GetValue<string>()).ToList();
                    Assert.Equal(ids.Count, ids.Distinct().Count());
                    break;
            }
        }
        foreach (var button in Descendants(message.Blocks).Where(o => Type(o) == "button"))
        {
            Assert.InRange(TextOf(button["text"]).Length, 1, 75);
            Assert.True(button["value"] is null || button["value"]!.GetValue<string>().Length <= 2000);
            Assert.True(button["url"] is null || button["url"]!.GetValue<string>().Length <= 3000);
        }
    }

    [Fact]
    public void Render_ShowsFewerRowsAndAShowMoreButton_WhenTheListExceeds50Blocks()
    {
        var reply = SampleReplies.StaleDeals("en", rows: 40, total: 120);

        var message = Renderer.Render(reply);

        Assert.True(message.Blocks.Count <= 50);
        var snoozes = Descendants(message.Blocks).Count(o => o["action_id"]?.GetValue<string>() is { } id && SlackActionCodec.VerbOf(id) == CardVerbs.Snooze);
        Assert.InRange(snoozes, 1, 39);
        var page = Descendants(message.Blocks).Single(o => o["action_id"]?.GetValue<string>() is { } id && SlackActionCodec.VerbOf(id) == CardVerbs.Page);
        var data = JsonSerializer.Deserialize<Dictionary<string, string>>(page["value"]!.GetValue<string>())!;
        Assert.Equal(snoozes, ReportRequestJson.TryDeserialize(data["request"])!.Offset);
        Assert.Contains(Descendants(message.Blocks), o => Type(o) == "mrkdwn" && TextOf(o).Contains($"of 120", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_EscapesNamesAndLinksRecords()
    {
        var message = Renderer.Render(SampleReplies.NastyNames("en"));
        var text = string.Join("\n", Descendants(message.Blocks).Where(o => Type(o) == "mrkdwn").Select(TextOf));

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", text);
        Assert.DoesNotContain("<script>", text);
        Assert.Contains("<https://crm.example.com/opportunity/5000|O'Brien", text);
    }

    [Fact]
    public void Render_GivesButtonsTheVerbAsActionIdAndTheDataAsJson()
    {
        var message = Renderer.Render(SampleReplies.StaleDeals("en", rows: 1, total: 1));

        var logCall = Descendants(message.Blocks).First(o => o["action_id"]?.GetValue<string>() is { } id && SlackActionCodec.VerbOf(id) == CardVerbs.LogActivity);
        var data = JsonSerializer.Deserialize<Dictionary<string, string>>(logCall["value"]!.GetValue<string>())!;
        Assert.Equal("5000", data["opportunityId"]);
        Assert.Equal("call", data["type"]);
        Assert.Contains(Descendants(message.Blocks), o => o["url"]?.GetValue<string>() == "https://crm.example.com/opportunity/5000");
    }

    [Fact]
    public void Render_CarriesTheChartToUpload_ForABreakdown() =>
        Assert.NotNull(Renderer.Render(SampleReplies.Pipeline("zh-TW")).Chart);

    /// <summary>Every button the renderer emits decodes, as a click on it would, to the verb and data it was made from.</summary>
    [Fact]
    public void Render_EncodesEveryButtonSoThatAClickDecodesToItsAction()
    {
        var reply = SampleReplies.StaleDeals("zh-TW", rows: 3, total: 3);
        var expected = reply.Report!.Tables.SelectMany(t => t.Rows).SelectMany(r => r.Actions)
            .Select(a => ReplyButtons.ForRowAction(a, RecordLinks.None, "zh-TW")).OfType<ReplyButton>().Where(b => b.Url is null).ToList();

        var decoded = Descendants(Renderer.Render(reply).Blocks)
            .Where(o => o["type"]?.GetValue<string>() == "button" && o["value"] is not null)
            .Select(o => SlackActionCodec.Decode(o["action_id"]!.GetValue<string>(), o["value"]!.GetValue<string>()))
            .ToList();

        Assert.NotEmpty(expected);
        foreach (var button in expected)
            Assert.Contains(decoded, a => a!.Verb == button.Verb && a.Data.Count == button.Data.Count && a.Data.All(d => button.Data[d.Key] == d.Value));
    }

    /// <summary>artifacts/cards/slack/*.json for tests/js/cards/slack.test.js (the @slack/types compile and limits).</summary>
    [Fact]
    public void WriteArtifacts_ForTheJsJudges()
    {
        var folder = Path.Combine(RepoPaths.CardArtifacts, "slack");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var count = 0;
        foreach (var language in SampleReplies.Languages)
            foreach (var (name, reply) in SampleReplies.All(language))
            {
                var message = Renderer.Render(reply);
                var json = new JsonObject { ["text"] = message.Text, ["blocks"] = message.Blocks.DeepClone() };
                File.WriteAllText(Path.Combine(folder, $"{name}.{language}.json"), json.ToJsonString(options) + "\n");
                count++;
            }
        Assert.Equal(count, Directory.GetFiles(folder).Length);
    }
}
