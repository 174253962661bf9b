using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using System.Data;
using System.Data.Common;

namespace CrmBot.Core.Tests.Reports;

public sealed class ActionPlanFacts : IDisposable
{
    private static readonly DateTime NowUtc = CrmBuilder.Utc(2017, 8, 15, 12);
    private static readonly DateTimeOffset Now = new(NowUtc);
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public ActionPlanFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private static string Fact(ReportResult r, string label) => r.Facts.Single(f => f.Label.StartsWith(label)).Value.Text;

    [Fact]
    public async Task RunAsync_SumsUpTheRepsQuarter()
    {
        var rep = _crm.Rep("Ann", quarterlyQuota: 10_000);
        _crm.Won(rep, 6000, CrmBuilder.Utc(2017, 7, 10));
        var planned = _crm.Deal(rep, OpportunityStage.Proposal, 4000, probability: 50, expectedClose: new DateOnly(2017, 9, 1), modified: NowUtc.AddDays(-1));
        var unplanned = _crm.Deal(rep, OpportunityStage.Negotiation, 2000, probability: 100, expectedClose: new DateOnly(2017, 9, 2), modified: NowUtc.AddDays(-30));
        _crm.Activity(rep, ActivityType.Call, due: NowUtc.AddDays(2), deal: planned, subject: "Pricing call");
        _crm.Activity(rep, ActivityType.Visit, due: NowUtc.AddDays(8), deal: planned); // beyond 7 days
        _crm.Lead(rep, "Web", "Not Contacted", NowUtc.AddDays(-2));
        var worked = _crm.Lead(rep, "Web", "Contacted", NowUtc.AddDays(-2));
        _crm.Activity(rep, completed: NowUtc.AddDays(-1), lead: worked);

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.ActionPlan), rep, Now);

        Assert.Equal("$10,000", Fact(result, "Quota"));
        Assert.Equal("$6,000", Fact(result, "Won so far"));
        Assert.Equal("$4,000", Fact(result, "Gap"));
        Assert.Equal("$4,000", Fact(result, "Weighted pipeline")); // 2,000 + 2,000
        Assert.Equal("1.00×", Fact(result, "Coverage"));
        Assert.Equal("1", Fact(result, "Planned activities"));
        Assert.Equal("1", Fact(result, "Open deals with no planned activity"));
        Assert.Equal("1", Fact(result, "Stale deals (over 14 days)"));
        Assert.Equal("1", Fact(result, "New leads not yet worked"));
        Assert.Equal("Pricing call", result.Tables[0].Rows.Single().Cells[2].Text);
        Assert.Equal(unplanned.Name, result.Tables[1].Rows.Single().Cells[0].Text);
        Assert.Contains(result.Tables[1].Rows.Single().Actions, a => a.Kind == RowActionKind.Snooze);
    }

    [Fact]
    public async Task RunAsync_NamesTheQuarterItSums_WhenAskedForAnother()
    {
        var rep = _crm.Rep("Ann", quarterlyQuota: 10_000);
        _crm.Deal(rep, OpportunityStage.Proposal, 4000, probability: 50, expectedClose: new DateOnly(2017, 5, 1));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.ActionPlan) { Period = PeriodSpec.Of(PeriodKind.LastQuarter) }, rep, Now);

        Assert.Equal("$2,000", Fact(result, "Weighted pipeline closing in 2017 Q2"));
        Assert.DoesNotContain(result.Facts, f => f.Label.Contains("this quarter"));
    }

    [Fact]
    public async Task RunAsync_ReadsOverOneConnection_AndClosesIt()
    {
        // A plan is several small reads; opening a connection around each cost more than some of them.
        var rep = _crm.Rep("Ann", quarterlyQuota: 10_000);
        _crm.Deal(rep, OpportunityStage.Proposal, 4000, expectedClose: new DateOnly(2017, 9, 1));
        var opens = new OpenCounter();
        var options = new DbContextOptionsBuilder<SqliteCrmDbContext>();
        DatabaseSetup.ConfigureSqlite(options.AddInterceptors(opens), _db.ConnectionString);
        await using var db = new SqliteCrmDbContext(options.Options);

        var outcome = await _crm.Runner(Now, db).RunAsync(new ReportRequest(ReportKind.ActionPlan), _crm.Asker(rep), CancellationToken.None);

        Assert.IsType<ReportAnswered>(outcome);
        Assert.Equal(1, opens.Count);
        Assert.Equal(ConnectionState.Closed, db.Database.GetDbConnection().State);
    }

    private sealed class OpenCounter : DbConnectionInterceptor
    {
        public int Count;

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
        {
            Interlocked.Increment(ref Count);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task RunAsync_SaysNotApplicable_ForCoverage_OnceTheQuotaIsMet()
    {
        var rep = _crm.Rep("Ann", quarterlyQuota: 1000);
        _crm.Won(rep, 1500, CrmBuilder.Utc(2017, 7, 10));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.ActionPlan), rep, Now);

        Assert.Equal("$0", Fact(result, "Gap"));
        Assert.Equal("n/a", Fact(result, "Coverage"));
    }

    [Fact]
    public async Task RunAsync_SaysOneDay_InTheSingular()
    {
        var rep = _crm.Rep("Ann");

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.ActionPlan) { ThresholdDays = 1 }, rep, Now);

        Assert.Contains(result.Facts, f => f.Label == "Stale deals (over 1 day)");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_UsesTheRepsOwnStaleThreshold(bool askedByTheirManager)
    {
        // The rep's own threshold comes with the asker (read with the identity); for someone else's plan it is read.
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var rep = _crm.Rep("Ann", team);
        rep.StaleThresholdDays = 40;   // stored (the builder tracks its rows), as the identity read would find it
        _crm.Save();
        _crm.Deal(rep, modified: NowUtc.AddDays(-30));
        _crm.Deal(rep, modified: NowUtc.AddDays(-50));

        var result = askedByTheirManager
            ? await _crm.AnswerAsync(new ReportRequest(ReportKind.ActionPlan) { Subject = SubjectSpec.User("Ann") }, manager, Now)
            : await _crm.AnswerAsync(new ReportRequest(ReportKind.ActionPlan), rep, Now);

        Assert.Equal("1", Fact(result, "Stale deals (over 40 days)"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_AsksForOnePerson_WhenAPlanIsAskedForATeam(bool namedTeam)
    {
        // It used to answer with the asker's own plan, empty for a manager, as if it were the team's.
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        _crm.Rep("Ann", team);

        var outcome = await _crm.RunAsync(new ReportRequest(ReportKind.ActionPlan) { Subject = namedTeam ? SubjectSpec.Team("North") : SubjectSpec.MyTeam }, manager, Now);

        Assert.IsType<SubjectNotAPerson>(outcome);
    }

    [Fact]
    public async Task RunAsync_SaysNoTeamHasTheName_WhenATeamIsNotFound()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);

        var outcome = await _crm.RunAsync(new ReportRequest(ReportKind.Forecast) { Subject = SubjectSpec.Team("Nowhere") }, manager, Now);

        Assert.Equal(new SubjectNotFound("Nowhere", SubjectKind.Team), outcome);
    }

    [Fact]
    public async Task RunAsync_ShowsARepsPlan_ToTheirManager_WithoutTheirButtons()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var rep = _crm.Rep("Ann", team);
        _crm.Deal(rep, OpportunityStage.Proposal, 100);

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.ActionPlan) { Subject = SubjectSpec.User("Ann") }, manager, Now);

        Assert.Equal("Ann", result.Scope);
        Assert.Empty(result.Tables[1].Rows.Single().Actions);
    }
}
