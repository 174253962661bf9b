using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Time;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// A fiscal quarter's forecast: won so far, commit (open deals in forecast category Commit), best case (Commit or
/// Best Case), weighted pipeline (open deals expected to close in the quarter, amount × probability), quota and gap
/// (quota − won, never below zero). Per rep for a team. Amounts stay in their currency.
/// </summary>
public static class Forecast
{
    public sealed record OwnerFigures
    {
        public int OwnerId { get; init; }
        public string Currency { get; init; } = "";
        public long WonCents { get; init; }
        public long CommitCents { get; init; }
        public long BestCaseCents { get; init; }
        /// <summary>Σ amount × probability, in cent-percent (divide by 100).</summary>
        public long WeightedCentPercent { get; init; }
        public int OpenDeals { get; init; }
    }

    /// <summary>A rep with the quota of the quarter: the quarter's own (Quotas) where set, else their default.</summary>
    public sealed record RepQuota(int Id, string Name, long DefaultQuotaCents, string Currency, long? QuarterQuotaCents, string? QuarterCurrency)
    {
        public (long Cents, string Currency) Quota => QuarterQuotaCents is { } cents ? (cents, QuarterCurrency!) : (DefaultQuotaCents, Currency);
    }

    /// <summary>The quarter asked for, or the fiscal quarter the asked period starts in (this quarter by default).</summary>
    public static (ResolvedPeriod Quarter, int FiscalYear, int Number) QuarterOf(ReportInput input)
    {
        var day = input.Request.Period.Kind is PeriodKind.AllTime or PeriodKind.Default ? input.Today : input.Period.FirstDay;
        var (fy, q) = input.Time.FiscalQuarterOf(day);
        return (input.Time.Quarter(fy, q), fy, q);
    }

    /// <summary>
    /// The quarter's figures per owner and currency, as two parts that each read only a covering index: deals won in the
    /// quarter (by close time) and open deals expected to close in it (by expected date). An owner and currency can
    /// appear in both parts; <see cref="ForecastAsync"/> adds them up.
    /// </summary>
    public static IQueryable<OwnerFigures> Figures(CrmDbContext db, ReportScope scope, ResolvedPeriod quarter)
    {
        DateTime start = quarter.StartUtc, end = quarter.EndUtc;
        DateOnly first = quarter.FirstDay, after = quarter.EndDay;
        var deals = db.Opportunities.InScope(scope);
        var won = deals.Where(o => o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= start && o.ClosedAt < end)
            .GroupBy(o => new { o.OwnerId, o.Currency })
            .Select(g => new OwnerFigures
            {
                OwnerId = g.Key.OwnerId, Currency = g.Key.Currency, WonCents = g.Sum(o => o.AmountCents ?? 0),
                CommitCents = 0, BestCaseCents = 0, WeightedCentPercent = 0, OpenDeals = 0, // set operations need the same columns
            });
        var open = deals.Where(o => o.Stage < OpportunityStage.ClosedWon && o.ExpectedCloseDate >= first && o.ExpectedCloseDate < after) // open stages
            .GroupBy(o => new { o.OwnerId, o.Currency })
            .Select(g => new OwnerFigures
            {
                OwnerId = g.Key.OwnerId, Currency = g.Key.Currency, WonCents = 0,
                CommitCents = g.Sum(o => o.ForecastCategory == ForecastCategory.Commit ? o.AmountCents ?? 0 : 0),
                BestCaseCents = g.Sum(o => o.ForecastCategory == ForecastCategory.Commit || o.ForecastCategory == ForecastCategory.BestCase ? o.AmountCents ?? 0 : 0),
                WeightedCentPercent = g.Sum(o => (o.AmountCents ?? 0) * o.Probability),
                OpenDeals = g.Count(),
            });
        return won.Concat(open);
    }

    /// <summary>Reps of the scope with their default quota (a single person: whatever their role).</summary>
    public static IQueryable<RepQuota> Reps(CrmDbContext db, ReportScope scope, int fiscalYear, int quarter) =>
        WithQuota(db, db.Users.InScope(scope).Where(u => scope.IsSingleUser || (u.Role == UserRole.Rep && u.IsActive)), fiscalYear, quarter);

    /// <summary>The quarter's quota read with the user (one index lookup each), not as a query of its own: a rep's plan is many small reads.</summary>
    private static IQueryable<RepQuota> WithQuota(CrmDbContext db, IQueryable<User> users, int fiscalYear, int quarter) =>
        users.Select(u => new RepQuota(u.Id, u.Name, u.QuarterlyQuotaCents, u.Currency,
            db.Quotas.Where(q => q.UserId == u.Id && q.FiscalYear == fiscalYear && q.FiscalQuarter == quarter).Select(q => (long?)q.AmountCents).FirstOrDefault(),
            db.Quotas.Where(q => q.UserId == u.Id && q.FiscalYear == fiscalYear && q.FiscalQuarter == quarter).Select(q => q.Currency).FirstOrDefault()));

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var (quarter, fy, q) = QuarterOf(input);
        List<int> missing = [1];   // deal owners outside the reps, as ForecastAsync reads them
        return [Figures(db, input.Scope, quarter), Reps(db, input.Scope, fy, q), WithQuota(db, db.Users.Where(u => missing.Contains(u.Id)), fy, q)];
    }

    /// <summary>One rep's quarter in their quota currency (other currencies listed apart).</summary>
    public sealed record RepForecast(int UserId, string Name, string Currency, long QuotaCents, long WonCents, long CommitCents,
        long BestCaseCents, long WeightedCents, int OpenDeals, IReadOnlyList<OwnerFigures> OtherCurrencies)
    {
        public long GapCents => Math.Max(0, QuotaCents - WonCents);
    }

    internal static readonly CompiledDefinition<OnePerson, OwnerFigures> FiguresOfOne = OnePerson.Compiled((db, a) => Figures(db, a.Scope, a.Quarter));
    internal static readonly CompiledDefinition<OnePerson, RepQuota> RepOfOne = OnePerson.Compiled((db, a) => Reps(db, a.Scope, a.FiscalYear, a.FiscalQuarter));

    /// <summary>One person's quarter, as the action plan asks it: compiled, the plan being many small reads.</summary>
    public static async Task<RepForecast?> ForecastAsync(CrmDbContext db, OnePerson person, CancellationToken ct) =>
        Combine(await FiguresOfOne.ToListAsync(db, person, ct), await RepOfOne.ToListAsync(db, person, ct)).FirstOrDefault();

    // A team's (a manager's forecast) compiled too: the ad-hoc queries cost EF more than their SQL there as well.
    internal static readonly CompiledDefinition<SeveralOwners, OwnerFigures> FiguresOfTeam = SeveralOwners.Compiled((db, a) => Figures(db, a.Scope, a.Quarter));
    internal static readonly CompiledDefinition<SeveralOwners, RepQuota> RepsOfTeam = SeveralOwners.Compiled((db, a) => Reps(db, a.Scope, a.FiscalYear, a.FiscalQuarter));

    private static async Task<IReadOnlyList<RepForecast>> ForecastAsync(CrmDbContext db, SeveralOwners team, CancellationToken ct) =>
        await WithDealOwnersAsync(db, await FiguresOfTeam.ToListAsync(db, team, ct), await RepsOfTeam.ToListAsync(db, team, ct), team.FiscalYear, team.FiscalQuarter, ct);

    private static async Task<IReadOnlyList<RepForecast>> ForecastAsync(CrmDbContext db, ReportScope scope, ResolvedPeriod quarter, int fy, int q, CancellationToken ct) =>
        await WithDealOwnersAsync(db, await Figures(db, scope, quarter).ToListAsync(ct), await Reps(db, scope, fy, q).ToListAsync(ct), fy, q, ct);

    /// <summary>The reps' forecasts, with the owners of deals in scope who are not among the reps read as well.</summary>
    private static async Task<IReadOnlyList<RepForecast>> WithDealOwnersAsync(CrmDbContext db, List<OwnerFigures> figures, List<RepQuota> reps, int fy, int q, CancellationToken ct)
    {
        var missing = figures.Select(f => f.OwnerId).Distinct().Except(reps.Select(r => r.Id)).ToList();
        if (missing.Count > 0)
            reps.AddRange(await WithQuota(db, db.Users.Where(u => missing.Contains(u.Id)), fy, q).ToListAsync(ct));
        return Combine(figures, reps);
    }

    /// <summary>Each rep's figures in their quota currency, the two parts of <see cref="Figures"/> added up.</summary>
    private static List<RepForecast> Combine(List<OwnerFigures> parts, List<RepQuota> reps)
    {
        var figures = parts
            .GroupBy(f => (f.OwnerId, f.Currency))
            .Select(g => new OwnerFigures
            {
                OwnerId = g.Key.OwnerId, Currency = g.Key.Currency, WonCents = g.Sum(f => f.WonCents), CommitCents = g.Sum(f => f.CommitCents),
                BestCaseCents = g.Sum(f => f.BestCaseCents), WeightedCentPercent = g.Sum(f => f.WeightedCentPercent), OpenDeals = g.Sum(f => f.OpenDeals),
            }).ToList();
        var figuresByOwner = figures.ToLookup(f => f.OwnerId);
        return reps.Select(r =>
        {
            var (quota, currency) = r.Quota;
            var mine = figuresByOwner[r.Id].Where(f => f.Currency == currency).ToList();
            return new RepForecast(r.Id, r.Name, currency, quota, mine.Sum(f => f.WonCents), mine.Sum(f => f.CommitCents),
                mine.Sum(f => f.BestCaseCents), mine.Sum(f => f.WeightedCentPercent) / 100, mine.Sum(f => f.OpenDeals),
                figuresByOwner[r.Id].Where(f => f.Currency != currency).ToList());
        }).OrderByDescending(r => r.WonCents).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var (quarter, fy, q) = QuarterOf(input);
        // One person (a rep's own forecast) compiled, as the plan reads it; they are always in their own scope, so no owner is missing.
        IReadOnlyList<RepForecast> reps = input.Scope.SinglePerson is { } only
            ? await ForecastAsync(db, OnePerson.Of(input, only, 0), ct) is { } one ? [one] : []
            : SeveralOwners.Of(input, 0) is { } team
                ? await ForecastAsync(db, team, ct)
                : await ForecastAsync(db, input.Scope, quarter, fy, q, ct);
        var byCurrency = reps.GroupBy(r => r.Currency).OrderBy(g => g.Key).ToList();
        Cell Sum(Func<RepForecast, long> pick) => input.MoneyByCurrency(byCurrency.Select(g => (g.Key, g.Sum(pick))));

        var notes = new List<string>();
        var others = reps.SelectMany(r => r.OtherCurrencies).ToList();
        if (others.Count > 0)
            notes.Add(input.T($"Deals in a currency other than the rep's quota ({string.Join(", ", others.Select(o => o.Currency).Distinct().Order())}) are not counted against quota.",
                $"與配額不同貨幣的商機（{string.Join("、", others.Select(o => o.Currency).Distinct().Order())}）未計入配額。"));
        if (byCurrency.Count > 1)
            notes.Add(input.MixedCurrencyNote(byCurrency.Select(g => g.Key)));

        var tables = new List<ResultTable>();
        if (!input.Scope.IsSingleUser)
        {
            var rows = reps.Skip(input.Offset).Take(ReportRequest.PageSize).Select(r =>
            {
                var user = input.Ref(RecordKind.User, r.UserId, r.Name);
                return new Row(
                [
                    new Cell(r.Name, Record: user), input.Money(r.QuotaCents, r.Currency), input.Money(r.WonCents, r.Currency),
                    input.Money(r.CommitCents, r.Currency), input.Money(r.BestCaseCents, r.Currency), input.Money(r.WeightedCents, r.Currency),
                    input.Money(r.GapCents, r.Currency),
                ]) { Record = user };
            }).ToList();
            tables.Add(new ResultTable
            {
                Columns =
                [
                    new(input.T("Rep", "業務")), new(input.T("Quota", "配額"), ValueKind.Money), new(input.T("Won", "已成交"), ValueKind.Money),
                    new(input.T("Commit", "承諾"), ValueKind.Money), new(input.T("Best case", "最佳情況"), ValueKind.Money),
                    new(input.T("Weighted pipeline", "加權管線"), ValueKind.Money), new(input.T("Gap", "差距"), ValueKind.Money),
                ],
                Rows = rows, Offset = input.Offset, TotalRows = reps.Count, NextPage = input.NextPage(reps.Count),
            });
        }

        return input.Result(input.T("Forecast", "業務預測")) with
        {
            Period = quarter.Label,
            PeriodStart = new DateTimeOffset(quarter.StartUtc, TimeSpan.Zero),
            PeriodEnd = new DateTimeOffset(quarter.EndUtc, TimeSpan.Zero),
            Context = string.Join(" · ", input.Scope.Label, quarter.Label, input.AsOfText),
            Facts =
            [
                new Fact(input.T("Quota", "配額"), Sum(r => r.QuotaCents)),
                new Fact(input.T("Won so far", "已成交"), Sum(r => r.WonCents)),
                new Fact(input.T("Commit", "承諾"), Sum(r => r.CommitCents)),
                new Fact(input.T("Best case", "最佳情況"), Sum(r => r.BestCaseCents)),
                new Fact(input.T("Weighted pipeline", "加權管線"), Sum(r => r.WeightedCents)),
                // The team's gap is its quota less its won, as for one rep: one rep over quota makes up for another below.
                new Fact(input.T("Gap to quota", "距配額差距"), input.MoneyByCurrency(byCurrency.Select(g =>
                    (g.Key, Math.Max(0, g.Sum(r => r.QuotaCents) - g.Sum(r => r.WonCents)))))),
            ],
            Tables = tables,
            Notes = notes,
            Actions =
            [
                new SuggestedAction(input.T("Pipeline", "銷售管線"), input.T("pipeline", "銷售管線")),
                new SuggestedAction(input.T("Leaderboard", "排行榜"), input.T("team leaderboard", "團隊排行榜")),
            ],
        };
    }
}
