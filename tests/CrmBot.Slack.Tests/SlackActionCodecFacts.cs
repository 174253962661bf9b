using CrmBot.Core.Chat;
using CrmBot.Slack.Inbound;

namespace CrmBot.Slack.Tests;

public sealed class SlackActionCodecFacts
{
    [Fact]
    public void Decode_ReadsBackWhatTheRendererEncodes()
    {
        var data = new Dictionary<string, string> { ["opportunityId"] = "7", ["days"] = "7", ["reason"] = "on holiday · 休假" };

        var action = SlackActionCodec.Decode(SlackActionCodec.ActionId(CardVerbs.Snooze, 3), SlackActionCodec.Value(data));

        Assert.Equal(CardVerbs.Snooze, action!.Verb);
        Assert.Equal(data, action.Data.ToDictionary());
    }

    [Fact]
    public void Decode_KeepsNonStringValuesAsJson()
    {
        var action = SlackActionCodec.Decode("page", """{"request":{"kind":"StaleDeals","offset":10},"n":3}""");

        Assert.Equal(("""{"kind":"StaleDeals","offset":10}""", "3"), (action!.Data["request"], action.Data["n"]));
    }

    [Theory]
    [InlineData(null, """{"a":"b"}""")]
    [InlineData("run:0", null)]
    [InlineData("run:0", "")]
    [InlineData("run:0", "not json")]
    [InlineData("run:0", "[1,2]")]
    public void Decode_IsNull_ForLinkButtonsAndForeignValues(string? actionId, string? value)
    {
        Assert.Null(SlackActionCodec.Decode(actionId, value));
    }
}
