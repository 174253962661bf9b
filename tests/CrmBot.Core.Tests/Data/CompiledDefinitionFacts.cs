using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Time;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Data;

/// <summary>A shared definition run compiled reads what the same definition reads as an ad-hoc query, for any arguments.</summary>
public sealed class CompiledDefinitionFacts : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;
    private readonly List<int> _people = [];
    private readonly User _manager;

    public CompiledDefinitionFacts()
    {
        _crm = new CrmBuilder(_db);
        // Three reps with a random mix of what the plan and the forecast count, around the clocks asked below.
        var random = new Random(17);
        DateTime Around() => CrmBuilder.Utc(2017, 6, 1).AddHours(random.Next(0, 24 * 150));
        for (var r = 0; r < 3; r++)
        {
            var rep = _crm.Rep($"Rep {r}", quarterlyQuota: 5_000 * (r + 1));
            _people.Add(rep.Id);
            _crm.Quota(rep, 2017, 3, 7_000 + r);
            for (var i = 0; i < 25; i++)
            {
                var stage = (OpportunityStage)random.Next(0, 7);
                var closed = stage >= OpportunityStage.ClosedWon ? Around() : (DateTime?)null;
                var deal = _crm.Deal(rep, stage, random.Next(1, 90) * 100, closed: closed, modified: closed ?? Around(), probability: random.Next(0, 101),
                    expectedClose: DateOnly.FromDateTime(Around()), currency: i % 7 == 0 ? "EUR" : "USD");
                if (random.Next(3) == 0)
                    _crm.Activity(rep, due: Around(), deal: deal, subject: $"Plan {i}");
                if (random.Next(3) == 0)
                    _crm.Activity(rep, completed: Around(), deal: deal);
                var lead = _crm.Lead(rep, "Web", random.Next(4) == 0 ? "Contacted" : "Not Contacted", Around());
                if (random.Next(4) == 0)
                    _crm.Activity(rep, completed: Around(), lead: lead);
            }
        }
        // A manager who owns deals too: in a team's scope, but not one of its reps (the forecast reads them apart).
        _manager = _crm.Manager("Manager", _crm.Team("North"));
        for (var i = 0; i < 6; i++)
        {
            var stage = (OpportunityStage)random.Next(0, 7);
            var closed = stage >= OpportunityStage.ClosedWon ? Around() : (DateTime?)null;
            _crm.Deal(_manager, stage, random.Next(1, 90) * 100, closed: closed, modified: closed ?? Around(), probability: random.Next(0, 101),
                expectedClose: DateOnly.FromDateTime(Around()));
        }
        _crm.Save();
    }

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private IEnumerable<OnePerson> Asked()
    {
        // Two fiscal quarters, periods asked of a quarter and of a year, clocks inside and after them, first and later pages,
        // thresholds from zero up.
        var q3 = new ResolvedPeriod(CrmBuilder.Utc(2017, 7, 1), CrmBuilder.Utc(2017, 10, 1), new DateOnly(2017, 7, 1), new DateOnly(2017, 10, 1), "Q3");
        var q2 = new ResolvedPeriod(CrmBuilder.Utc(2017, 4, 1), CrmBuilder.Utc(2017, 7, 1), new DateOnly(2017, 4, 1), new DateOnly(2017, 7, 1), "Q2");
        var year = new ResolvedPeriod(CrmBuilder.Utc(2017, 1, 1), CrmBuilder.Utc(2018, 1, 1), new DateOnly(2017, 1, 1), new DateOnly(2018, 1, 1), "2017");
        foreach (var person in _people)
            foreach (var now in new[] { CrmBuilder.Utc(2017, 7, 20, 9), CrmBuilder.Utc(2017, 9, 3, 17) })
                foreach (var (period, quarter, fy, q) in new[] { (q3, q3, 2017, 3), (year, q2, 2017, 2) })
                    foreach (var (threshold, offset) in new[] { (14, 0), (30, 10), (0, 0) })
                        yield return new OnePerson(person, now, threshold, offset, period, quarter, fy, q);
    }

    private Task AssertSameRowsAsync<T>(CompiledDefinition<OnePerson, T> compiled, Func<CrmDbContext, OnePerson, IQueryable<T>> definition) =>
        AssertSameRowsAsync(compiled, definition, Asked());

    private async Task AssertSameRowsAsync<TArgs, T>(CompiledDefinition<TArgs, T> compiled, Func<CrmDbContext, TArgs, IQueryable<T>> definition,
        IEnumerable<TArgs> asked) where TArgs : notnull
    {
        await using var db = _db.NewContext();
        var rowsSeen = 0;
        foreach (var args in asked)
        {
            var adHoc = await definition(db, args).ToListAsync();
            Assert.Equal(adHoc, await compiled.ToListAsync(db, args, CancellationToken.None));
            rowsSeen += adHoc.Count;
        }
        Assert.True(rowsSeen > 0, "the data should give the definition rows to compare");
    }

    // The compiled fields the plan runs, against their definitions run ad hoc.
    [Fact]
    public Task ThePlansCounts_AreTheAdHocQuerysCounts() =>
        AssertSameRowsAsync(ActionPlan.CountsOfOne, (db, a) => ActionPlan.Counts(db, a.Scope, a.NowUtc, a.ThresholdDays));

    [Fact]
    public Task ThePlansPlannedPage_IsTheAdHocQuerysPage() =>
        AssertSameRowsAsync(ActionPlan.PlannedOfOne, (db, a) => ActionPlan.PlannedPage(ActionPlan.PlannedNextWeek(db, a.Scope, a.NowUtc), a.Offset));

    [Fact]
    public Task ThePlansDealsWithoutPlan_AreTheAdHocQuerysDeals() =>
        AssertSameRowsAsync(ActionPlan.WithoutPlanOfOne, (db, a) => ActionPlan.DealPage(ActionPlan.WithoutPlan(db, a.Scope)));

    [Fact]
    public Task TheStaleDealsPage_IsTheAdHocQuerysPage() =>
        AssertSameRowsAsync(StaleDeals.PageOfOne, (db, a) => StaleDeals.Page(db, StaleDeals.Keys(db, a.Scope, a.NowUtc, a.ThresholdDays), a.NowUtc, a.Offset));

    [Fact]
    public Task TheStaleDealsTotals_AreTheAdHocQuerysTotals() =>
        AssertSameRowsAsync(StaleDeals.TotalsOfOne, (db, a) => StaleDeals.Totals(StaleDeals.Keys(db, a.Scope, a.NowUtc, a.ThresholdDays)));

    [Fact]
    public Task TheForecastsFigures_AreTheAdHocQuerysFigures() =>
        AssertSameRowsAsync(Forecast.FiguresOfOne, (db, a) => Forecast.Figures(db, a.Scope, a.Quarter));

    [Fact]
    public Task TheForecastsRep_IsTheAdHocQuerysRep() =>
        AssertSameRowsAsync(Forecast.RepOfOne, (db, a) => Forecast.Reps(db, a.Scope, a.FiscalYear, a.FiscalQuarter));

    [Fact]
    public Task ThePipelineGrid_IsTheAdHocQuerysGrid() =>
        AssertSameRowsAsync(Pipeline.GridOfOne, (db, a) => Pipeline.Grid(Pipeline.Open(db, a.Scope), Breakdown.None));

    [Fact]
    public Task ThePipelinesClosedCounts_AreTheAdHocQuerysCounts() =>
        AssertSameRowsAsync(Pipeline.ClosedOfOne, (db, a) => Pipeline.ClosedBetween(db, a.Scope, a.Period.StartUtc, a.Period.EndUtc));

    // Teams of two reps and of three reps with their manager, asked everything one person is asked.
    private IEnumerable<SeveralOwners> TeamsAsked() =>
        from owners in new[] { _people.Take(2).ToList(), [.. _people, _manager.Id] }
        from a in Asked().Where(a => a.OwnerId == _people[0])
        select new SeveralOwners(owners, a.NowUtc, a.ThresholdDays, a.Offset, a.Period, a.Quarter, a.FiscalYear, a.FiscalQuarter);

    [Fact]
    public Task ATeamsLostDealsPage_IsTheAdHocQuerysPage() =>
        AssertSameRowsAsync(LostDeals.PageOfTeam, (db, a) => LostDeals.Page(db, LostDeals.Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd), a.Offset), TeamsAsked());

    [Fact]
    public Task ATeamsLostDealsTotals_AreTheAdHocQuerysTotals() =>
        AssertSameRowsAsync(LostDeals.TotalsOfTeam, (db, a) => LostDeals.Totals(LostDeals.Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd)), TeamsAsked());

    [Fact]
    public Task ATeamsLostDealsByReason_AreTheAdHocQuerysCounts() =>
        AssertSameRowsAsync(LostDeals.ByReasonOfTeam, (db, a) => LostDeals.ByReason(LostDeals.Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd)), TeamsAsked());

    [Fact]
    public Task ATeamsForecastFigures_AreTheAdHocQuerysFigures() =>
        AssertSameRowsAsync(Forecast.FiguresOfTeam, (db, a) => Forecast.Figures(db, a.Scope, a.Quarter), TeamsAsked());

    [Fact]
    public Task ATeamsForecastReps_AreTheAdHocQuerysReps() =>
        AssertSameRowsAsync(Forecast.RepsOfTeam, (db, a) => Forecast.Reps(db, a.Scope, a.FiscalYear, a.FiscalQuarter), TeamsAsked());

    private IEnumerable<Leads.LeadsOfOne> LeadsAsked() =>
        Asked().Select(a => new Leads.LeadsOfOne(a.OwnerId, a.NowUtc, a.Offset, a.Period.StartUtc, a.Period.EndUtc)).Distinct();

    [Fact]
    public Task TheLeadsGrid_IsTheAdHocQuerysGrid() =>
        AssertSameRowsAsync(Leads.GridOfOne, (db, a) => Leads.BySourceAndStatus(db, a.Scope, a.PeriodStart, a.PeriodEnd, a.NowUtc), LeadsAsked());

    [Fact]
    public Task TheLeadsAges_AreTheAdHocQuerysAges() =>
        AssertSameRowsAsync(Leads.AgesOfOne, (db, a) => Leads.Ages(db, Leads.Open(db, a.Scope, a.NowUtc), a.NowUtc), LeadsAsked());

    [Fact]
    public Task TheUntouchedLeadsPage_IsTheAdHocQuerysPage() =>
        AssertSameRowsAsync(Leads.PageOfOne, (db, a) => Leads.Page(db, Leads.Open(db, a.Scope, a.NowUtc), a.NowUtc, a.Offset), LeadsAsked());

    [Fact]
    public async Task ADefinitionThatBranchesOnAnArgument_IsRefused()
    {
        // Compiled, the branch the samples took would serve every caller: a first page would sort like a later one.
        var compiled = OnePerson.Compiled((db, a) => a.Offset == 0 ? db.Activities.OrderBy(x => x.Id) : db.Activities.OrderByDescending(x => x.Id));
        await using var db = _db.NewContext();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => compiled.ToListAsync(db, Asked().First(), CancellationToken.None));
        Assert.Contains("different shapes", error.Message);
    }

    [Fact]
    public async Task AValueDerivedFromAnArgument_ThatTwoSamplesShare_IsRefused()
    {
        // The first two samples are later pages: only the third, a first page, shows that this value is no constant.
        var compiled = OnePerson.Compiled((db, a) =>
        {
            var firstPage = a.Offset == 0;
            return db.Activities.Where(x => firstPage || x.Id > 0);
        });
        await using var db = _db.NewContext();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => compiled.ToListAsync(db, Asked().First(), CancellationToken.None));
        Assert.Contains("no property of OnePerson", error.Message);
    }

    [Fact]
    public async Task AValueDerivedInTheDefinition_ButNoArgument_IsRefused_NotFixedInTheQuery()
    {
        // Three days ahead is no property of OnePerson: compiled, the first caller's cutoff would serve every later one.
        var compiled = OnePerson.Compiled((db, a) =>
        {
            var soon = a.NowUtc.AddDays(3);
            return db.Activities.Where(x => x.DueAt < soon);
        });
        await using var db = _db.NewContext();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => compiled.ToListAsync(db, Asked().First(), CancellationToken.None));
        Assert.Contains("no property of OnePerson", error.Message);
    }

    [Fact]
    public Task TheWinRate_IsTheAdHocQuerys() =>
        AssertSameRowsAsync(WinRate.ByOwnerOfOne, (db, a) => WinRate.ByOwner(db, a.Scope, a.Period.StartUtc, a.Period.EndUtc));

    [Fact]
    public Task TheLostDealsPage_IsTheAdHocQuerysPage() =>
        AssertSameRowsAsync(LostDeals.PageOfOne, (db, a) => LostDeals.Page(db, LostDeals.Lost(db, a.Scope, a.Period.StartUtc, a.Period.EndUtc), a.Offset));

    [Fact]
    public Task TheLostDealsTotals_AreTheAdHocQuerysTotals() =>
        AssertSameRowsAsync(LostDeals.TotalsOfOne, (db, a) => LostDeals.Totals(LostDeals.Lost(db, a.Scope, a.Period.StartUtc, a.Period.EndUtc)));

    [Fact]
    public Task TheLostDealsReasons_AreTheAdHocQuerysReasons() =>
        AssertSameRowsAsync(LostDeals.ByReasonOfOne, (db, a) => LostDeals.ByReason(LostDeals.Lost(db, a.Scope, a.Period.StartUtc, a.Period.EndUtc)));

    [Fact]
    public Task TheActivityCounts_AreTheAdHocQuerysCounts() =>
        AssertSameRowsAsync(ActivityMatrix.CountsOfOne, (db, a) => ActivityMatrix.Counts(db, a.Scope, a.Period.StartUtc, a.Period.EndUtc));

    [Fact]
    public Task TheActivityReps_AreTheAdHocQuerysReps() =>
        AssertSameRowsAsync(ActivityMatrix.RepsOfOne, (db, a) => Leaderboard.Reps(db, a.Scope));

    // Periods of a quarter and of a year, each against the other and against itself (overlapping baselines too).
    private IEnumerable<Trends.TrendsOfOne> TrendsAsked() =>
        Asked().SelectMany(a => new[] { new Trends.TrendsOfOne(a.OwnerId, a.Period, a.Quarter), new Trends.TrendsOfOne(a.OwnerId, a.Quarter, a.Period) }).Distinct();

    [Fact]
    public Task TheTrendByType_IsTheAdHocQuerys() =>
        AssertSameRowsAsync(Trends.ByTypeOfOne, (db, a) => Trends.ByType(db, a.Scope, a.Current, a.Baseline), TrendsAsked());

    [Fact]
    public void SamplesThatAgreeOnAnArgument_AreRefused()
    {
        // An argument equal in both samples could not be told from a constant of the query's shape.
        var a = Asked().First();
        Assert.Throws<ArgumentException>(() => new CompiledDefinition<OnePerson, Activity>((db, x) => db.Activities, a, a with { OwnerId = a.OwnerId + 1 }));
    }
}
