using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class ForecastFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 8, 15, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public ForecastFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private static string Fact(ReportResult r, string label) => r.Facts.Single(f => f.Label == label).Value.Text;

    // A team whose only owner is its manager is a team, not one person: the forecast lists reps (there are none), and
    // does not read the manager's own quota as the team's, as the one-person path would.
    [Fact]
    public async Task RunAsync_ForATeamWithOneOwner_ReadsItAsATeam()
    {
        var team = _crm.Team("Solo");
        var manager = _crm.Manager("Sol Manager", team);
        manager.QuarterlyQuotaCents = 5_000_00;
        _crm.Save();

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Forecast) { Subject = SubjectSpec.MyTeam }, manager, Now);

        Assert.Equal("Team Solo", result.Scope);
        Assert.Empty(result.Tables.Single().Rows);
        Assert.Equal("$0", Fact(result, "Quota"));
    }

    [Fact]
    public async Task RunAsync_AddsWonCommitBestCaseAndWeighted_ForTheQuarter()
    {
        var rep = _crm.Rep("Ann", quarterlyQuota: 10_000);
        _crm.Won(rep, 3000, CrmBuilder.Utc(2017, 7, 10));
        _crm.Won(rep, 9999, CrmBuilder.Utc(2017, 6, 30)); // last quarter
        _crm.Deal(rep, OpportunityStage.Negotiation, 2000, probability: 80, forecast: ForecastCategory.Commit, expectedClose: new DateOnly(2017, 9, 30));
        _crm.Deal(rep, OpportunityStage.Proposal, 1000, probability: 40, forecast: ForecastCategory.BestCase, expectedClose: new DateOnly(2017, 8, 20));
        _crm.Deal(rep, OpportunityStage.Qualification, 500, probability: 20, forecast: ForecastCategory.Pipeline, expectedClose: new DateOnly(2017, 7, 1));
        _crm.Deal(rep, OpportunityStage.Negotiation, 8888, probability: 90, forecast: ForecastCategory.Commit, expectedClose: new DateOnly(2017, 10, 1)); // next quarter

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Forecast), rep, Now);

        Assert.Equal("$10,000", Fact(result, "Quota"));
        Assert.Equal("$3,000", Fact(result, "Won so far"));
        Assert.Equal("$2,000", Fact(result, "Commit"));
        Assert.Equal("$3,000", Fact(result, "Best case"));
        Assert.Equal("$2,100", Fact(result, "Weighted pipeline")); // 1,600 + 400 + 100
        Assert.Equal("$7,000", Fact(result, "Gap to quota"));
        Assert.Equal("2017 Q3", result.Period);
    }

    [Fact]
    public async Task RunAsync_PrefersTheQuarterQuota_AndNeverShowsANegativeGap()
    {
        var rep = _crm.Rep("Ann", quarterlyQuota: 10_000);
        _crm.Quota(rep, 2017, 3, 2000);
        _crm.Won(rep, 3000, CrmBuilder.Utc(2017, 7, 10));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Forecast), rep, Now);

        Assert.Equal("$2,000", Fact(result, "Quota"));
        Assert.Equal("$0", Fact(result, "Gap to quota"));
    }

    [Theory]
    [InlineData(400, "Ann|$1,000|$400|$0|$0|$0|$600", "$2,600")]
    // reports.md: gap = quota − won, never below 0, for the team too: Ann's 500 over quota counts against Bob's gap.
    [InlineData(1500, "Ann|$1,000|$1,500|$0|$0|$0|$0", "$1,500")]
    public async Task RunAsync_ListsEachRep_ForAManager_WithTheTeamsGap(decimal annWon, string annRow, string teamGap)
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var ann = _crm.Rep("Ann", team, quarterlyQuota: 1000);
        _crm.Rep("Bob", team, quarterlyQuota: 2000);
        _crm.Won(ann, annWon, CrmBuilder.Utc(2017, 7, 10));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Forecast) { Period = PeriodSpec.ForQuarter(2017, 3) }, manager, Now);

        Assert.Equal([annRow, "Bob|$2,000|$0|$0|$0|$0|$2,000"],
            result.Tables[0].Rows.Select(r => string.Join("|", r.Cells.Select(c => c.Text))));   // most won first
        Assert.Equal("$3,000", Fact(result, "Quota"));
        Assert.Equal(teamGap, Fact(result, "Gap to quota"));
    }

    [Fact]
    public async Task RunAsync_UsesTheQuarterOfTheAskedPeriod()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 5, 10));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Forecast) { Period = PeriodSpec.ForMonth(2017, 5) }, rep, Now);

        Assert.Equal("2017 Q2", result.Period);
        Assert.Equal("$100", Fact(result, "Won so far"));
    }
}
