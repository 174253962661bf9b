using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Time;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Reps in scope ranked by won amount (Closed Won with closed-at in the period), ties by won count, then name;
/// reps with nothing won are listed with zeros. Rank change compares with the previous period of equal length.
/// With several currencies the ranking uses the main one (most deals won) and the others are shown beside it.
/// </summary>
public static class Leaderboard
{
    public sealed record OwnerStats
    {
        public int OwnerId { get; init; }
        public string Currency { get; init; } = "";
        public int Won { get; init; }
        public long WonCents { get; init; }
        public int Lost { get; init; }
        public int PreviousWon { get; init; }
        public long PreviousWonCents { get; init; }
    }

    public sealed record Standing(int Rank, int UserId, string Name, int Won, long WonCents, int Lost, int? RankChange,
        IReadOnlyList<(string Currency, long Cents)> OtherCurrencies);

    /// <summary>Reps listed even with nothing won: active users with the Rep role in scope.</summary>
    public static IQueryable<RepName> Reps(CrmDbContext db, ReportScope scope) =>
        db.Users.InScope(scope).Where(u => u.Role == UserRole.Rep && u.IsActive).Select(u => new RepName(u.Id, u.Name));

    /// <summary>Won and lost per owner and currency in the period, and won in the previous period, in one pass.</summary>
    public static IQueryable<OwnerStats> Stats(CrmDbContext db, ReportScope scope, DateTime previousStart, DateTime start, DateTime end) =>
        db.Opportunities.InScope(scope)
            .Where(o => (o.Stage == OpportunityStage.ClosedWon || o.Stage == OpportunityStage.ClosedLost)
                && o.ClosedAt >= previousStart && o.ClosedAt < end)
            .GroupBy(o => new { o.OwnerId, o.Currency })
            .Select(g => new OwnerStats
            {
                OwnerId = g.Key.OwnerId,
                Currency = g.Key.Currency,
                Won = g.Count(o => o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= start),
                WonCents = g.Sum(o => o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= start ? o.AmountCents ?? 0 : 0),
                Lost = g.Count(o => o.Stage == OpportunityStage.ClosedLost && o.ClosedAt >= start),
                PreviousWon = g.Count(o => o.Stage == OpportunityStage.ClosedWon && o.ClosedAt < start),
                PreviousWonCents = g.Sum(o => o.Stage == OpportunityStage.ClosedWon && o.ClosedAt < start ? o.AmountCents ?? 0 : 0),
            });

    public static IQueryable<RepName> OwnerNames(CrmDbContext db, IReadOnlyList<int> ids)
    {
        var list = ids.ToList();
        return db.Users.Where(u => list.Contains(u.Id)).Select(u => new RepName(u.Id, u.Name));
    }

    private static DateTime PreviousStart(ResolvedPeriod period, PeriodResolver time) =>
        period.IsAllTime ? period.StartUtc : time.ToUtc(period.PreviousDays.First);

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input) =>
    [
        Reps(db, input.Scope),
        Stats(db, input.Scope, PreviousStart(input.Period, input.Time), input.Period.StartUtc, input.Period.EndUtc),
        OwnerNames(db, [1, 2]),
    ];

    /// <summary>
    /// The whole ranking (one row per rep: already aggregated in SQL), for this report and scheduled posts; the currency
    /// it ranks by, and the figures per owner and currency.
    /// </summary>
    public static async Task<(IReadOnlyList<Standing> Standings, string Currency, IReadOnlyList<OwnerStats> Stats)> RankAsync(
        CrmDbContext db, ReportScope scope, ResolvedPeriod period, PeriodResolver time, string defaultCurrency, CancellationToken ct)
    {
        var stats = await Stats(db, scope, PreviousStart(period, time), period.StartUtc, period.EndUtc).ToListAsync(ct);
        var reps = await Reps(db, scope).ToListAsync(ct);
        var missing = stats.Select(s => s.OwnerId).Distinct().Except(reps.Select(r => r.Id)).ToList();
        if (missing.Count > 0)
            reps.AddRange(await OwnerNames(db, missing).ToListAsync(ct));

        var currency = stats.Where(s => s.Won > 0).GroupBy(s => s.Currency)
            .OrderByDescending(g => g.Sum(s => s.Won)).ThenBy(g => g.Key).Select(g => g.Key).FirstOrDefault()
            ?? stats.Select(s => s.Currency).FirstOrDefault() ?? defaultCurrency;
        var byOwner = stats.ToLookup(s => s.OwnerId);

        var current = reps.Select(r =>
        {
            var mine = byOwner[r.Id].ToList();
            return new
            {
                r.Id, r.Name,
                Won = mine.Sum(s => s.Won), Lost = mine.Sum(s => s.Lost),
                Cents = mine.Where(s => s.Currency == currency).Sum(s => s.WonCents),
                PreviousWon = mine.Sum(s => s.PreviousWon),
                PreviousCents = mine.Where(s => s.Currency == currency).Sum(s => s.PreviousWonCents),
                Others = mine.Where(s => s.Currency != currency && s.WonCents != 0).Select(s => (s.Currency, s.WonCents)).ToList(),
            };
        }).ToList();
        var previousRank = current
            .OrderByDescending(x => x.PreviousCents).ThenByDescending(x => x.PreviousWon).ThenBy(x => x.Name, StringComparer.Ordinal).ThenBy(x => x.Id)
            .Select((x, i) => (x.Id, Rank: i + 1)).ToDictionary(x => x.Id, x => x.Rank);
        var standings = current
            .OrderByDescending(x => x.Cents).ThenByDescending(x => x.Won).ThenBy(x => x.Name, StringComparer.Ordinal).ThenBy(x => x.Id)
            .Select((x, i) => new Standing(i + 1, x.Id, x.Name, x.Won, x.Cents, x.Lost,
                period.IsAllTime ? null : previousRank[x.Id] - (i + 1), x.Others))
            .ToList();
        return (standings, currency, stats);
    }

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var (standings, currency, stats) = await RankAsync(db, input.Scope, input.Period, input.Time, input.Options.DefaultCurrency, ct);
        var page = standings.Skip(input.Offset).Take(ReportRequest.PageSize).ToList();
        var won = stats.Sum(s => s.Won);
        var lost = stats.Sum(s => s.Lost);
        var rows = page.Select(s =>
        {
            var rep = input.Ref(RecordKind.User, s.UserId, s.Name);
            return new Row(Cells(s, currency, rep, input.F)) { Record = rep };
        }).ToList();

        return input.Result(input.T("Leaderboard", "業績排行榜")) with
        {
            Facts =
            [
                new Fact(input.T("Deals won", "成交數"), input.Count(won)),
                new Fact(input.T("Won amount", "成交金額"), input.MoneyByCurrency(
                    stats.GroupBy(s => s.Currency).Select(g => (g.Key, g.Sum(s => s.WonCents))))),
                new Fact(input.T("Win rate", "贏率"), input.Percent(won + lost == 0 ? null : (double)won / (won + lost))),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns = Columns(input.F),
                    Rows = rows, Offset = input.Offset, TotalRows = standings.Count, NextPage = input.NextPage(standings.Count),
                },
            ],
            Notes = CurrencyNotes(stats, currency, input.F),
            Actions =
            [
                new SuggestedAction(input.T("Leaderboard last quarter", "上季排行榜"), input.T("leaderboard last quarter", "上季排行榜")),
                new SuggestedAction(input.T("Win rate", "贏率"), input.T("win rate", "贏率")),
            ],
        };
    }

    // The table's columns, cells and notes: this report's and the scheduled post's (ScheduledPostJob), one way.
    public static IReadOnlyList<Column> Columns(Formats f) =>
    [
        new(f.IsChinese ? "名次" : "Rank", ValueKind.Rank), new(f.IsChinese ? "業務" : "Rep"), new(f.IsChinese ? "成交數" : "Won", ValueKind.Count),
        new(f.IsChinese ? "成交金額" : "Won amount", ValueKind.Money), new(f.IsChinese ? "贏率" : "Win rate", ValueKind.Percent),
        new(f.IsChinese ? "名次變化" : "Change", ValueKind.Change),
    ];

    public static IReadOnlyList<Cell> Cells(Standing s, string currency, RecordRef rep, Formats f)
    {
        double? winRate = s.Won + s.Lost == 0 ? null : (double)s.Won / (s.Won + s.Lost);
        return
        [
            new Cell(f.Count(s.Rank), ValueKind.Rank, s.Rank),
            new Cell(s.Name, Record: rep),
            new Cell(f.Count(s.Won), ValueKind.Count, s.Won),
            ReportInput.MoneyByCurrency(f, currency, s.OtherCurrencies.Prepend((currency, s.WonCents))),
            new Cell(f.Percent(winRate), ValueKind.Percent, winRate is { } r ? (decimal)r : null),
            RankChange(s.RankChange, f),
        ];
    }

    /// <summary>With several currencies: that they are never added, and which one ranks.</summary>
    public static IReadOnlyList<string> CurrencyNotes(IReadOnlyList<OwnerStats> stats, string currency, Formats f)
    {
        var currencies = stats.Where(s => s.WonCents != 0).Select(s => s.Currency).Distinct().Order().ToList();
        return currencies.Count > 1
            ? [ReportInput.MixedCurrencyNote(f, currencies), f.IsChinese ? $"依 {currency} 金額排名。" : $"Ranked by amounts in {currency}."]
            : [];
    }

    /// <summary>"▲2" moved up two places, "▼1" down one, "—" unchanged, n/a without a previous period.</summary>
    private static Cell RankChange(int? change, Formats f) => change switch
    {
        null => new Cell(f.NotApplicable, ValueKind.Change),
        0 => new Cell("—", ValueKind.Change, 0),
        > 0 => new Cell($"▲{change}", ValueKind.Change, change),
        _ => new Cell($"▼{-change}", ValueKind.Change, change),
    };
}

public sealed record RepName(int Id, string Name);
