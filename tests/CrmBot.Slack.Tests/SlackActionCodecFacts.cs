using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Slack.Blocks;
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
    public void Value_OfTheLongestShowMoreButton_FitsSlacksLimit_WithItsLanguage()
    {
        // The page button's request, escaped once more inside the value, and the reply's language (replyLanguage).
        var request = new ReportRequest(ReportKind.Trends)
        {
            Subject = SubjectSpec.User(new string('名', 200)), Period = PeriodSpec.Between(new DateOnly(2017, 1, 1), new DateOnly(2017, 3, 31)),
            Breakdown = Breakdown.ProductFamily, ThresholdDays = 3650, Compare = TrendComparison.Yoy,
            Metric = TrendMetric.WonAmountByProductFamily, Offset = int.MaxValue - 10,
        };
        var more = ReplyButtons.ShowMore(request, "zh-TW");

        var value = SlackActionCodec.Value(more.Data);

        Assert.True(value.Length <= SlackLimits.ButtonValue, $"{value.Length} characters");
        Assert.Equal("zh-TW", SlackActionCodec.Decode(SlackActionCodec.ActionId(more.Verb, 0), value)!.Data[ReplyButtons.ReplyLanguage]);
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
