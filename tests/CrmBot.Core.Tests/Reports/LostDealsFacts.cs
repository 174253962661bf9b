using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class LostDealsFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 10, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReportRequest Q3 = new(ReportKind.LostDeals) { Period = PeriodSpec.ForQuarter(2017, 3) };
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public LostDealsFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    [Theory]
    [InlineData(2030, 1, 1)]
    [InlineData(2017, 10, 16)]   // tomorrow
    public async Task RunAsync_SaysThePeriodHasNotStarted_WhenItBeginsAfterToday(int year, int month, int day)
    {
        var rep = _crm.Rep("Ann");
        _crm.Lost(rep, 5000, CrmBuilder.Utc(2017, 10, 1));

        var outcome = await _crm.RunAsync(new ReportRequest(ReportKind.LostDeals) { Period = PeriodSpec.SinceDate(new DateOnly(year, month, day)) }, rep, Now);

        Assert.IsType<PeriodNotStarted>(outcome);
        // Today itself has begun: since today is answered.
        Assert.IsType<ReportAnswered>(await _crm.RunAsync(new ReportRequest(ReportKind.LostDeals) { Period = PeriodSpec.SinceDate(new DateOnly(2017, 10, 15)) }, rep, Now));
    }

    [Fact]
    public async Task RunAsync_ReviewsEachLostDeal_WithReasonBantDaysOpenAndLastStage()
    {
        var rep = _crm.Rep("Ann");
        var deal = _crm.Lost(rep, 5000, CrmBuilder.Utc(2017, 8, 31, 12), "Price", BantFlags.Budget | BantFlags.Timeline, created: CrmBuilder.Utc(2017, 8, 1));
        _crm.StageChange(deal, OpportunityStage.Qualification, OpportunityStage.Proposal, CrmBuilder.Utc(2017, 8, 10));
        _crm.StageChange(deal, OpportunityStage.Proposal, OpportunityStage.ClosedLost, CrmBuilder.Utc(2017, 8, 31));
        _crm.Lost(rep, 100, CrmBuilder.Utc(2017, 7, 2), created: CrmBuilder.Utc(2017, 7, 1));

        var result = await _crm.AnswerAsync(Q3, rep, Now);

        var row = result.Tables[0].Rows[0];
        Assert.Equal(deal.Name, row.Cells[0].Text);
        Assert.Equal(["$5,000", "Price", "Budget, Timeline", "30 days", "Proposal"], row.Cells.Skip(3).Select(c => c.Text));
        var other = result.Tables[0].Rows[1];
        Assert.Equal(["(no reason given)", "—", "1 day", "—"], other.Cells.Skip(4).Select(c => c.Text));
        // A lost deal may still get a call logged, but it is never nudged, so it has nothing to snooze.
        Assert.Equal([RowActionKind.LogCall, RowActionKind.LogEmail], row.Actions.Select(a => a.Kind));
    }

    [Fact]
    public async Task RunAsync_SummarisesCountAmountAndReasons()
    {
        var rep = _crm.Rep("Ann");
        _crm.Lost(rep, 100, CrmBuilder.Utc(2017, 7, 5), "Price");
        _crm.Lost(rep, 200, CrmBuilder.Utc(2017, 8, 5), "Price");
        _crm.Lost(rep, 300, CrmBuilder.Utc(2017, 9, 5), "Competitor");
        _crm.Lost(rep, 999, CrmBuilder.Utc(2017, 10, 5), "Competitor");
        _crm.Won(rep, 999, CrmBuilder.Utc(2017, 8, 5));

        var result = await _crm.AnswerAsync(Q3, rep, Now);

        Assert.Equal("3", result.Facts[0].Value.Text);
        Assert.Equal("$600", result.Facts[1].Value.Text);
        Assert.Equal(["Price:2", "Competitor:1"], result.Tables[1].Rows.Select(r => $"{r.Cells[0].Text}:{r.Cells[1].Text}"));
    }

    [Theory]
    [InlineData("Asia/Taipei")]
    [InlineData("America/Los_Angeles")]
    public async Task RunAsync_CountsTheLastLocalMinuteOfTheQuarter_ButNotTheNextMidnight(string zone)
    {
        var rep = _crm.Rep("Ann", timeZone: zone);
        _crm.Lost(rep, 100, CrmBuilder.Local(zone, 2017, 9, 30, 23, 59), "In");
        _crm.Lost(rep, 100, CrmBuilder.Local(zone, 2017, 10, 1, 0, 0), "Out");

        var result = await _crm.AnswerAsync(Q3, rep, Now);

        Assert.Equal(["In"], result.Tables[0].Rows.Select(r => r.Cells[4].Text));
    }

    [Fact]
    public async Task RunAsync_KeepsCurrenciesApart()
    {
        var rep = _crm.Rep("Ann");
        _crm.Lost(rep, 100, CrmBuilder.Utc(2017, 7, 5), currency: "EUR");
        _crm.Lost(rep, 200, CrmBuilder.Utc(2017, 7, 5));

        var result = await _crm.AnswerAsync(Q3, rep, Now);

        Assert.Equal("$200 + €100", result.Facts[1].Value.Text);
        Assert.Single(result.Notes);
    }

    [Fact]
    public async Task RunAsync_SaysZero_WhenNothingWasLost()
    {
        var rep = _crm.Rep("Ann");

        var result = await _crm.AnswerAsync(Q3, rep, Now);

        Assert.Equal("0", result.Facts[0].Value.Text);
        Assert.Empty(result.Tables[0].Rows);
        Assert.Empty(result.Tables[1].Rows);
    }
}
