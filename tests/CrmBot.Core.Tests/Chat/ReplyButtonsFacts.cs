using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Reports;

namespace CrmBot.Core.Tests.Chat;

public sealed class ReplyButtonsFacts
{
    public static TheoryData<ReportRequest> Requests() =>
    [
        new ReportRequest(ReportKind.StaleDeals) { Offset = 10 },
        new ReportRequest(ReportKind.LostDeals) { Period = PeriodSpec.ForQuarter(2017, 3), Subject = SubjectSpec.Team("Team North"), Offset = 20 },
        new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy, Metric = TrendMetric.WonAmount, Period = PeriodSpec.Between(new(2017, 1, 1), new(2017, 3, 31)) },
        new ReportRequest(ReportKind.Pipeline) { Breakdown = Breakdown.Partner, Subject = SubjectSpec.Me, ThresholdDays = 30 },
    ];

    [Theory]
    [MemberData(nameof(Requests))]
    public void ShowMore_CarriesARequestThatRoundTrips(ReportRequest request)
    {
        var button = ReplyButtons.ShowMore(request, "en");

        Assert.Equal(CardVerbs.Page, button.Verb);
        Assert.Equal(request, ReportRequestJson.TryDeserialize(button.Data["request"]));
        Assert.True(button.Data["request"].Length < 2000, "fits a Slack button value");
    }

    [Fact]
    public void TryDeserialize_ReturnsNull_WhenTheButtonWasTamperedWith() =>
        Assert.Null(ReportRequestJson.TryDeserialize("{not json"));

    [Fact]
    public void ForRowAction_GivesVerbsAndTargets_AndLinksOnlyWithATemplate()
    {
        var deal = new RecordRef(RecordKind.Opportunity, 42, "Acme");
        var account = new RecordRef(RecordKind.Account, 7, "Acme");
        var links = new RecordLinks("https://crm.example.com/{kind}/{id}");

        var call = ReplyButtons.ForRowAction(new RowAction(RowActionKind.LogCall, "Log a call", deal), links, "en")!;
        var snooze = ReplyButtons.ForRowAction(new RowAction(RowActionKind.Snooze, "Snooze", account, 30), links, "en")!;
        var open = ReplyButtons.ForRowAction(new RowAction(RowActionKind.OpenInCrm, "Open", deal), links, "en")!;

        Assert.Equal((CardVerbs.LogActivity, "42", "call"), (call.Verb, call.Data["opportunityId"], call.Data["type"]));
        Assert.Equal((CardVerbs.Snooze, "7", "30"), (snooze.Verb, snooze.Data["accountId"], snooze.Data["days"]));
        Assert.Equal("https://crm.example.com/opportunity/42", open.Url);
        Assert.Null(ReplyButtons.ForRowAction(new RowAction(RowActionKind.OpenInCrm, "Open", deal), RecordLinks.None, "en"));
    }

    /// <summary>Issue 8: log a call / an e-mail asks for notes; snooze until… asks for the date and an optional reason; a fixed snooze asks nothing.</summary>
    [Theory]
    [InlineData("en", "Notes", "Snooze until")]
    [InlineData("zh-TW", "備註", "延後至")]
    public void ForRowAction_AsksForNotesOrADate_WhereTheActionNeedsThem(string language, string notesLabel, string untilLabel)
    {
        var deal = new RecordRef(RecordKind.Opportunity, 42, "Acme");

        var call = ReplyButtons.ForRowAction(new RowAction(RowActionKind.LogEmail, "Log an email", deal), RecordLinks.None, language)!;
        var until = ReplyButtons.ForRowAction(new RowAction(RowActionKind.Snooze, "Snooze until…", deal), RecordLinks.None, language)!;
        var week = ReplyButtons.ForRowAction(new RowAction(RowActionKind.Snooze, "Snooze 7 days", deal, 7), RecordLinks.None, language)!;

        var notes = Assert.Single(call.Form);
        Assert.Equal((ActionForms.Notes, notesLabel, InputKind.MultilineText, true), (notes.Id, notes.Label, notes.Kind, notes.Required));
        Assert.False(until.Data.ContainsKey("days"));
        Assert.Equal([(ActionForms.Until, untilLabel, InputKind.Date, true), (ActionForms.Reason, until.Form[1].Label, InputKind.Text, false)],
            until.Form.Select(i => (i.Id, i.Label, i.Kind, i.Required)));
        Assert.Empty(week.Form);
    }

    [Theory]
    [InlineData("en", 0, 10, 42, "Showing 1–10 of 42")]
    [InlineData("en", 10, 10, 1200, "Showing 11–20 of 1,200")]
    [InlineData("zh-TW", 0, 10, 42, "顯示第 1–10 筆，共 42 筆")]
    // A page button pressed after the list shrank: it said "Showing 900–900 of 64".
    [InlineData("en", 900, 0, 64, "No rows on this page: all 64 rows are on earlier pages")]
    [InlineData("zh-TW", 900, 0, 64, "這一頁沒有資料：共 64 筆，都在前面的頁面")]
    [InlineData("en", 10, 0, 0, "No rows on this page: the list is now empty")]
    public void PageSummary_SaysWhichRowsOfHowMany(string language, int offset, int shown, int total, string expected) =>
        Assert.Equal(expected, ReplyButtons.PageSummary(offset, shown, total, language));
}
