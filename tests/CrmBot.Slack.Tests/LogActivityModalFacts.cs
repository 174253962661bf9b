using System.Text.Json.Nodes;
using CrmBot.Slack.Inbound;

namespace CrmBot.Slack.Tests;

public sealed class LogActivityModalFacts
{
    [Theory]
    [InlineData("en", "call")]
    [InlineData("en", "email")]
    [InlineData("zh-TW", "call")]
    [InlineData("zh-TW", "email")]
    public void Build_StaysWithinSlacksModalLimits(string language, string type)
    {
        var data = new Dictionary<string, string> { ["type"] = type, ["opportunityId"] = "123456", ["accountId"] = "654321" };

        var view = LogActivityModal.Build(new LogActivityModal.Origin("C0123456789", false, language, data));

        // docs.slack.dev reference/views: title, submit and close are plain_text of at most 24 characters;
        // private_metadata at most 3000 characters.
        foreach (var field in new[] { "title", "submit", "close" })
        {
            Assert.Equal("plain_text", view[field]!["type"]!.GetValue<string>());
            Assert.InRange(view[field]!["text"]!.GetValue<string>().Length, 1, 24);
        }
        Assert.InRange(view["private_metadata"]!.GetValue<string>().Length, 1, 3000);
        Assert.Equal("modal", view["type"]!.GetValue<string>());
    }

    [Fact]
    public void Read_ReturnsTheOriginAndTrimmedNotes_OfASubmittedModal()
    {
        var origin = new LogActivityModal.Origin("C1", true, "zh-TW", new Dictionary<string, string> { ["type"] = "email", ["accountId"] = "9" });
        var view = LogActivityModal.Build(origin);
        view["state"] = JsonNode.Parse("""{"values":{"notes":{"notes":{"type":"plain_text_input","value":"  寄了報價單 \n"}}}}""");

        var (read, notes) = LogActivityModal.Read(view)!.Value;

        Assert.Equal("寄了報價單", notes);
        Assert.Equal((origin.ChannelId, origin.IsDirect, origin.Language), (read.ChannelId, read.IsDirect, read.Language));
        Assert.Equal(origin.Data, read.Data.ToDictionary());
    }

    [Fact]
    public void Read_IsNull_ForSomeoneElsesModal()
    {
        Assert.Null(LogActivityModal.Read(new JsonObject { ["callback_id"] = "other", ["private_metadata"] = "{}" }));
    }
}
