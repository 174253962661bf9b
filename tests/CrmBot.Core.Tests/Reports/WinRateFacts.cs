using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class WinRateFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 12, 31, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public WinRateFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private static string Fact(ReportResult r, string label) => r.Facts.Single(f => f.Label == label).Value.Text;

    [Fact]
    public async Task RunAsync_DividesWonByWonPlusLost_AmongDealsClosedInThePeriod()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 11, 1));
        _crm.Won(rep, 200, CrmBuilder.Utc(2017, 11, 2));
        _crm.Lost(rep, 300, CrmBuilder.Utc(2017, 11, 3));
        _crm.Deal(rep, OpportunityStage.Negotiation, 999); // open: not in the rate
        _crm.Won(rep, 5000, CrmBuilder.Utc(2017, 9, 30)); // previous quarter

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.WinRate), rep, Now);

        Assert.Equal("66.67%", Fact(result, "Win rate"));
        Assert.Equal(2 / 3m, Math.Round(result.Facts[0].Value.Number!.Value, 10), 6);
        Assert.Equal("2", Fact(result, "Won"));
        Assert.Equal("1", Fact(result, "Lost"));
        Assert.Equal("$300", Fact(result, "Won amount"));
        Assert.Equal("2017 Q4", result.Period);
    }

    [Fact]
    public async Task RunAsync_SaysNotApplicable_WhenNothingClosed()
    {
        var rep = _crm.Rep("Ann");
        _crm.Deal(rep, OpportunityStage.Proposal, 100);

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.WinRate), rep, Now);

        Assert.Equal("n/a", Fact(result, "Win rate"));
        Assert.Null(result.Facts[0].Value.Number);
    }

    [Fact]
    public async Task RunAsync_CoversEveryClosedDeal_ForAllTime()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 100, CrmBuilder.Utc(2016, 1, 1));
        _crm.Lost(rep, 100, CrmBuilder.Utc(2017, 3, 1));
        _crm.Lost(rep, 100, CrmBuilder.Utc(2017, 12, 31, 11));
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 12, 31, 11));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.WinRate) { Period = PeriodSpec.Of(PeriodKind.AllTime) }, rep, Now);

        Assert.Equal("50.00%", Fact(result, "Win rate"));
        Assert.Equal("all time", result.Period);
    }

    [Theory]
    [InlineData("Asia/Taipei")]
    [InlineData("America/Los_Angeles")]
    public async Task RunAsync_CountsTheLastLocalMinuteOfTheQuarter_ButNotTheNextMidnight(string zone)
    {
        var rep = _crm.Rep("Ann", timeZone: zone);
        _crm.Won(rep, 100, CrmBuilder.Local(zone, 2017, 9, 30, 23, 59));
        _crm.Lost(rep, 100, CrmBuilder.Local(zone, 2017, 10, 1, 0, 0));

        var q3 = await _crm.AnswerAsync(new ReportRequest(ReportKind.WinRate) { Period = PeriodSpec.ForQuarter(2017, 3) }, rep, Now);
        var q4 = await _crm.AnswerAsync(new ReportRequest(ReportKind.WinRate) { Period = PeriodSpec.ForQuarter(2017, 4) }, rep, Now);

        Assert.Equal("100.00%", Fact(q3, "Win rate"));
        Assert.Equal("0.00%", Fact(q4, "Win rate"));
    }

    [Fact]
    public async Task RunAsync_ListsEachOwner_ForATeam()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var ann = _crm.Rep("Ann", team);
        var bob = _crm.Rep("Bob", team);
        _crm.Won(ann, 100, CrmBuilder.Utc(2017, 11, 1));
        _crm.Lost(bob, 100, CrmBuilder.Utc(2017, 11, 1));
        _crm.Won(bob, 100, CrmBuilder.Utc(2017, 11, 1));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.WinRate), manager, Now);

        Assert.Equal(["Ann", "Bob"], result.Tables[0].Rows.Select(r => r.Cells[0].Text));
        Assert.Equal(["100.00%", "50.00%"], result.Tables[0].Rows.Select(r => r.Cells[3].Text));
        Assert.Equal("66.67%", Fact(result, "Win rate"));
    }
}
