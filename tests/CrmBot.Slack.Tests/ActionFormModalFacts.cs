using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Slack.Inbound;

namespace CrmBot.Slack.Tests;

public sealed class ActionFormModalFacts
{
    private static JsonObject Build(ActionFormModal.Origin origin, string title = "Log a call") =>
        ActionFormModal.Build(origin, title, ActionForms.For(origin.Verb, origin.Data, origin.Language));

    [Theory]
    [InlineData("en", CardVerbs.LogActivity)]
    [InlineData("zh-TW", CardVerbs.LogActivity)]
    [InlineData("en", CardVerbs.Snooze)]
    [InlineData("zh-TW", CardVerbs.Snooze)]
    public void Build_StaysWithinSlacksModalLimits(string language, string verb)
    {
        var data = new Dictionary<string, string> { ["type"] = "call", ["opportunityId"] = "123456", ["accountId"] = "654321" };

        var view = Build(new ActionFormModal.Origin("C0123456789", false, language, verb, data, "1700000000.000100"),
            title: "A button label far longer than twenty-four characters");

        // docs.slack.dev reference/views: title, submit and close are plain_text of at most 24 characters;
        // private_metadata at most 3000 characters; an input block per form field.
        foreach (var field in new[] { "title", "submit", "close" })
        {
            Assert.Equal("plain_text", view[field]!["type"]!.GetValue<string>());
            Assert.InRange(view[field]!["text"]!.GetValue<string>().Length, 1, 24);
        }
        Assert.InRange(view["private_metadata"]!.GetValue<string>().Length, 1, 3000);
        Assert.Equal("modal", view["type"]!.GetValue<string>());
        Assert.NotEmpty(view["blocks"]!.AsArray());
        Assert.All(view["blocks"]!.AsArray(), b => Assert.Equal("input", b!["type"]!.GetValue<string>()));
    }

    [Fact]
    public void Read_ReturnsTheOriginAndTrimmedNotes_OfASubmittedNotesForm()
    {
        var origin = new ActionFormModal.Origin("C1", true, "zh-TW", CardVerbs.LogActivity,
            new Dictionary<string, string> { ["type"] = "email", ["accountId"] = "9" }, "1700000000.000100");
        var view = Build(origin);
        view["state"] = JsonNode.Parse("""{"values":{"notes":{"notes":{"type":"plain_text_input","value":"  寄了報價單 \n"}}}}""");

        var read = ActionFormModal.Read(view)!;

        Assert.Equal(new Dictionary<string, string> { ["notes"] = "寄了報價單" }, read.Values.ToDictionary());
        Assert.Empty(read.MissingRequired);
        Assert.Equal((origin.ChannelId, origin.IsDirect, origin.Language, origin.Verb, origin.MessageTs),
            (read.Origin.ChannelId, read.Origin.IsDirect, read.Origin.Language, read.Origin.Verb, read.Origin.MessageTs));
        Assert.Equal(origin.Data, read.Origin.Data.ToDictionary());
    }

    [Fact]
    public void Read_GivesThePickedDateAndReason_OfASnoozeUntilForm_AndNamesAMissingDate()
    {
        var origin = new ActionFormModal.Origin("D1", true, "en", CardVerbs.Snooze, new Dictionary<string, string> { ["opportunityId"] = "7" });
        var view = Build(origin, "Snooze until…");
        view["state"] = JsonNode.Parse("""{"values":{"until":{"until":{"type":"datepicker","selected_date":"2017-10-02"}},"reason":{"reason":{"type":"plain_text_input","value":"champion on holiday"}}}}""");
        var empty = Build(origin, "Snooze until…");
        empty["state"] = JsonNode.Parse("""{"values":{"until":{"until":{"type":"datepicker","selected_date":null}},"reason":{"reason":{"type":"plain_text_input","value":null}}}}""");

        Assert.Equal(new Dictionary<string, string> { ["until"] = "2017-10-02", ["reason"] = "champion on holiday" },
            ActionFormModal.Read(view)!.Values.ToDictionary());
        Assert.Equal(["until"], ActionFormModal.Read(empty)!.MissingRequired);
    }

    [Fact]
    public void Read_IsNull_ForSomeoneElsesModal()
    {
        Assert.Null(ActionFormModal.Read(new JsonObject { ["callback_id"] = "other", ["private_metadata"] = "{}" }));
    }
}
