using System.Globalization;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Time;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// A metric (won count, won amount, win rate, won amount by product family or by opportunity type) for the current
/// period against a baseline: YoY (same dates a year earlier), MoM / QoQ (previous month / quarter), YTD / QTD /
/// MTD (fiscal-year / quarter / month start to today, against the same span a year / quarter / month earlier).
/// Absolute and % change; % change is n/a when the baseline is zero.
/// </summary>
public static class Trends
{
    /// <summary>Won and lost per group and currency, in the current period and in the baseline.</summary>
    public sealed record Group
    {
        public OpportunityType? Type { get; init; }
        public string? Family { get; init; }
        public string Currency { get; init; } = "";
        public int CurrentWon { get; init; }
        public long CurrentCents { get; init; }
        public int CurrentLost { get; init; }
        public int BaselineWon { get; init; }
        public long BaselineCents { get; init; }
        public int BaselineLost { get; init; }
    }

    public static TrendComparison ComparisonOf(ReportInput input) => input.Request.Compare ?? input.Request.Period.Kind switch
    {
        PeriodKind.Ytd => TrendComparison.Ytd,
        PeriodKind.Qtd => TrendComparison.Qtd,
        PeriodKind.Mtd => TrendComparison.Mtd,
        _ => TrendComparison.Yoy,
    };

    /// <summary>The current period and its baseline, as whole local days.</summary>
    public static (ResolvedPeriod Current, ResolvedPeriod Baseline) Periods(ReportInput input)
    {
        var time = input.Time;
        var requested = input.Request.Period;
        ResolvedPeriod Explicit(PeriodKind fallback) => time.Resolve(requested, fallback);
        // The baseline's last day is the current last day shifted (clamped: Mar 30 → Feb 28), or a month's last day when
        // the current one is: shifting the exclusive end instead (Mar 31 → Feb 28) would leave Feb 28 out of Mar 28's.
        ResolvedPeriod Shift(ResolvedPeriod p, int months)
        {
            var first = p.FirstDay.AddMonths(months);
            var end = p.EndDay.Day == 1 ? p.EndDay.AddMonths(months) : p.EndDay.AddDays(-1).AddMonths(months).AddDays(1);
            return time.Days(first, end, NamedLabel(time, first, end, input));
        }
        return ComparisonOf(input) switch
        {
            TrendComparison.Ytd => Pair(time.Resolve(PeriodSpec.Of(PeriodKind.Ytd), PeriodKind.Ytd), -12),
            TrendComparison.Qtd => Pair(time.Resolve(PeriodSpec.Of(PeriodKind.Qtd), PeriodKind.Qtd), -3),
            TrendComparison.Mtd => Pair(time.Resolve(PeriodSpec.Of(PeriodKind.Mtd), PeriodKind.Mtd), -1),
            TrendComparison.Mom => Pair(Explicit(PeriodKind.ThisMonth), -1),
            TrendComparison.Qoq => Pair(Explicit(PeriodKind.ThisQuarter), -3),
            _ => Pair(Explicit(PeriodKind.ThisQuarter), -12),
        };

        (ResolvedPeriod, ResolvedPeriod) Pair(ResolvedPeriod current, int months) => (current, Shift(current, months));
    }

    /// <summary>"2016 Q3" when the days are a whole fiscal quarter, "Sep 2016" for a month, else the date range.</summary>
    private static string NamedLabel(PeriodResolver time, DateOnly first, DateOnly end, ReportInput input)
    {
        var (fy, q) = time.FiscalQuarterOf(first);
        var quarter = time.Quarter(fy, q);
        if (quarter.FirstDay == first && quarter.EndDay == end)
            return quarter.Label;
        var year = time.Year(fy);
        if (year.FirstDay == first && year.EndDay == end)
            return year.Label;
        if (first.Day == 1 && end == first.AddMonths(1))
            return time.Resolve(PeriodSpec.ForMonth(first.Year, first.Month), PeriodKind.ThisMonth).Label;
        var last = end.AddDays(-1);
        return first == last ? input.F.Date(first) : $"{input.F.Date(first)} – {input.F.Date(last)}";
    }

    private static IQueryable<Opportunity> Closed(CrmDbContext db, ReportScope scope, ResolvedPeriod current, ResolvedPeriod baseline) =>
        db.Opportunities.InScope(scope)
            .Where(o => (o.Stage == OpportunityStage.ClosedWon || o.Stage == OpportunityStage.ClosedLost)
                && ((o.ClosedAt >= current.StartUtc && o.ClosedAt < current.EndUtc) || (o.ClosedAt >= baseline.StartUtc && o.ClosedAt < baseline.EndUtc)));

    public static IQueryable<Group> ByType(CrmDbContext db, ReportScope scope, ResolvedPeriod current, ResolvedPeriod baseline)
    {
        DateTime cs = current.StartUtc, ce = current.EndUtc;
        return Closed(db, scope, current, baseline)
            .GroupBy(o => new { o.Type, o.Currency })
            .Select(g => new Group
            {
                Type = g.Key.Type, Currency = g.Key.Currency,
                CurrentWon = g.Count(o => o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= cs && o.ClosedAt < ce),
                CurrentCents = g.Sum(o => o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= cs && o.ClosedAt < ce ? o.AmountCents ?? 0 : 0),
                CurrentLost = g.Count(o => o.Stage == OpportunityStage.ClosedLost && o.ClosedAt >= cs && o.ClosedAt < ce),
                BaselineWon = g.Count(o => o.Stage == OpportunityStage.ClosedWon && !(o.ClosedAt >= cs && o.ClosedAt < ce)),
                BaselineCents = g.Sum(o => o.Stage == OpportunityStage.ClosedWon && !(o.ClosedAt >= cs && o.ClosedAt < ce) ? o.AmountCents ?? 0 : 0),
                BaselineLost = g.Count(o => o.Stage == OpportunityStage.ClosedLost && !(o.ClosedAt >= cs && o.ClosedAt < ce)),
            });
    }

    /// <summary>What one person's trend by type varies by, for <see cref="CompiledDefinition{TArgs,TResult}"/>: the person and both periods.</summary>
    public sealed record TrendsOfOne(int OwnerId, ResolvedPeriod Current, ResolvedPeriod Baseline)
    {
        public ReportScope Scope => ReportScope.ForUser(OwnerId, "");
        public DateTime CurrentStart => Current.StartUtc;
        public DateTime CurrentEnd => Current.EndUtc;
        public DateTime BaselineStart => Baseline.StartUtc;
        public DateTime BaselineEnd => Baseline.EndUtc;
    }

    // Compiled for one person (a rep's own trend, any metric but by product family): EF's work on the ad-hoc query was
    // more than its SQL. The samples' dates all differ, so that each bound is told from the others.
    internal static readonly CompiledDefinition<TrendsOfOne, Group> ByTypeOfOne = new((db, a) => ByType(db, a.Scope, a.Current, a.Baseline),
        new TrendsOfOne(1_000_003,
            new ResolvedPeriod(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), new DateTime(2001, 5, 7, 8, 9, 10, DateTimeKind.Utc), new DateOnly(2001, 2, 3), new DateOnly(2001, 5, 7), "A"),
            new ResolvedPeriod(new DateTime(2000, 1, 11, 12, 13, 14, DateTimeKind.Utc), new DateTime(2000, 4, 15, 16, 17, 18, DateTimeKind.Utc), new DateOnly(2000, 1, 11), new DateOnly(2000, 4, 15), "A0")),
        new TrendsOfOne(2_000_029,
            new ResolvedPeriod(new DateTime(2002, 3, 5, 7, 9, 11, DateTimeKind.Utc), new DateTime(2002, 8, 13, 15, 17, 19, DateTimeKind.Utc), new DateOnly(2002, 3, 5), new DateOnly(2002, 8, 13), "B"),
            new ResolvedPeriod(new DateTime(1999, 6, 21, 23, 1, 3, DateTimeKind.Utc), new DateTime(1999, 10, 25, 2, 4, 6, DateTimeKind.Utc), new DateOnly(1999, 6, 21), new DateOnly(1999, 10, 25), "B0")));

    /// <summary>Won amount by product family: the value of each won deal's line items (quantity × unit price).</summary>
    public static IQueryable<Group> ByFamily(CrmDbContext db, ReportScope scope, ResolvedPeriod current, ResolvedPeriod baseline)
    {
        DateTime cs = current.StartUtc, ce = current.EndUtc;
        var won = Closed(db, scope, current, baseline).Where(o => o.Stage == OpportunityStage.ClosedWon);
        return db.OpportunityLineItems
            .Join(won, li => li.OpportunityId, o => o.Id, (li, o) => new { li.Product!.Family, o.Currency, o.ClosedAt, Value = li.Quantity * li.UnitPriceCents })
            .GroupBy(x => new { x.Family, x.Currency })
            .Select(g => new Group
            {
                Family = g.Key.Family, Currency = g.Key.Currency,
                CurrentCents = g.Sum(x => x.ClosedAt >= cs && x.ClosedAt < ce ? x.Value : 0),
                BaselineCents = g.Sum(x => !(x.ClosedAt >= cs && x.ClosedAt < ce) ? x.Value : 0),
            });
    }

    /// <summary>Won deals in either period that have no line items (not in the by-family figures).</summary>
    public static IQueryable<Opportunity> WonWithoutProducts(CrmDbContext db, ReportScope scope, ResolvedPeriod current, ResolvedPeriod baseline) =>
        Closed(db, scope, current, baseline).Where(o => o.Stage == OpportunityStage.ClosedWon && !db.OpportunityLineItems.Any(li => li.OpportunityId == o.Id));

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var (current, baseline) = Periods(input);
        return [ByType(db, input.Scope, current, baseline), ByFamily(db, input.Scope, current, baseline), WonWithoutProducts(db, input.Scope, current, baseline)];
    }

    private sealed record Line(string Label, ValueKind Kind, double? Current, double? Baseline, string? Currency = null);

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var (current, baseline) = Periods(input);
        var metric = input.Request.Metric ?? TrendMetric.WonAmount;
        var comparison = ComparisonOf(input);
        var notes = new List<string>();
        if (StillRunning(comparison, current, baseline, input) is { } running)
            notes.Add(running);
        List<Group> groups;
        if (metric == TrendMetric.WonAmountByProductFamily)
        {
            groups = await ByFamily(db, input.Scope, current, baseline).ToListAsync(ct);
            var unmatched = await WonWithoutProducts(db, input.Scope, current, baseline).CountAsync(ct);
            if (unmatched > 0)
                notes.Add(input.T($"{unmatched} won deals have no products and are not in these figures.", $"{unmatched} 筆成交商機沒有產品明細，未列入。"));
        }
        else
        {
            groups = input.Scope.SinglePerson is { } only
                ? await ByTypeOfOne.ToListAsync(db, new TrendsOfOne(only, current, baseline), ct)
                : await ByType(db, input.Scope, current, baseline).ToListAsync(ct);
        }

        var currencies = groups.Where(g => g.CurrentCents != 0 || g.BaselineCents != 0).Select(g => g.Currency).Distinct().Order().ToList();
        if (currencies.Count > 1 && metric != TrendMetric.WonCount && metric != TrendMetric.WinRate)
            notes.Add(input.MixedCurrencyNote(currencies));
        if (currencies.Count == 0)
            currencies.Add(groups.Select(g => g.Currency).FirstOrDefault() ?? input.Options.DefaultCurrency);

        var lines = metric switch
        {
            TrendMetric.WonCount =>
                [new Line(input.T("Deals won", "成交數"), ValueKind.Count, groups.Sum(g => g.CurrentWon), groups.Sum(g => g.BaselineWon))],
            TrendMetric.WinRate =>
                [new Line(input.T("Win rate", "贏率"), ValueKind.Percent,
                    WinRate.Rate(groups.Sum(g => g.CurrentWon), groups.Sum(g => g.CurrentLost)),
                    WinRate.Rate(groups.Sum(g => g.BaselineWon), groups.Sum(g => g.BaselineLost)))],
            TrendMetric.WonAmountByType => groups.GroupBy(g => (g.Type, g.Currency)).OrderBy(g => g.Key.Type).ThenBy(g => g.Key.Currency)
                .Select(g => new Line(TypeName(g.Key.Type, input) + (currencies.Count > 1 ? $" ({g.Key.Currency})" : ""), ValueKind.Money,
                    g.Sum(x => x.CurrentCents) / 100.0, g.Sum(x => x.BaselineCents) / 100.0, g.Key.Currency)).ToList(),
            TrendMetric.WonAmountByProductFamily => groups.OrderByDescending(g => g.CurrentCents).ThenBy(g => g.Family, StringComparer.Ordinal)
                .Select(g => new Line((g.Family is { } family ? CrmTerms.Name(family, input.F) : "—") + (currencies.Count > 1 ? $" ({g.Currency})" : ""), ValueKind.Money,
                    g.CurrentCents / 100.0, g.BaselineCents / 100.0, g.Currency)).ToList(),
            _ => currencies.Select(c => new Line(input.T("Won amount", "成交金額") + (currencies.Count > 1 ? $" ({c})" : ""), ValueKind.Money,
                    groups.Where(g => g.Currency == c).Sum(g => g.CurrentCents) / 100.0,
                    groups.Where(g => g.Currency == c).Sum(g => g.BaselineCents) / 100.0, c)).ToList(),
        };

        var rows = lines.Select(l => new Row(
        [
            Cell.Of(l.Label), Value(l, l.Current, input), Value(l, l.Baseline, input), AbsoluteChange(l, input),
            new Cell(input.F.SignedPercent(PercentChange(l.Current, l.Baseline)), ValueKind.Change,
                PercentChange(l.Current, l.Baseline) is { } pc ? (decimal)pc : null),
        ])).ToList();

        return input.Result(input.T($"Trend ({EnglishName(comparison)})", $"趨勢比較（{ComparisonName(comparison)}）")) with
        {
            Period = current.Label,
            PeriodStart = new DateTimeOffset(current.StartUtc, TimeSpan.Zero),
            PeriodEnd = new DateTimeOffset(current.EndUtc, TimeSpan.Zero),
            Context = string.Join(" · ", input.Scope.Label, $"{current.Label} {input.T("vs", "對比")} {baseline.Label}", input.AsOfText),
            Facts =
            [
                new Fact(input.T("Current period", "本期"), Cell.Of(current.Label)),
                new Fact(input.T("Baseline", "比較基準"), Cell.Of(baseline.Label)),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new(input.T("Metric", "指標")), new(input.T("Current", "本期"), lines.FirstOrDefault()?.Kind ?? ValueKind.Money),
                        new(input.T("Baseline", "基準"), lines.FirstOrDefault()?.Kind ?? ValueKind.Money),
                        new(input.T("Change", "變化"), ValueKind.Change), new(input.T("% change", "變化 %"), ValueKind.Change),
                    ],
                    Rows = rows, TotalRows = rows.Count,
                },
            ],
            Chart = lines.Count == 0 ? null : new Chart(ChartKind.Bar, input.T("Current vs baseline", "本期與基準"), "", "",
                lines.Select(l => l.Label).ToList(),
                [
                    new ChartSeries(current.Label, lines.Select(l => (l.Kind == ValueKind.Percent ? 100 : 1) * (l.Current ?? 0)).ToList()),
                    new ChartSeries(baseline.Label, lines.Select(l => (l.Kind == ValueKind.Percent ? 100 : 1) * (l.Baseline ?? 0)).ToList()),
                ]),
            Notes = notes,
            Actions =
            [
                new SuggestedAction(input.T("Year to date", "今年至今"), input.T("compare ytd", "今年至今比較")),
                new SuggestedAction(input.T("Month to date", "本月至今"), input.T("mtd", "本月至今")),
            ],
        };
    }

    /// <summary>(current − baseline) ÷ baseline; null ("n/a") when the baseline is zero or unknown.</summary>
    public static double? PercentChange(double? current, double? baseline) =>
        current is null || baseline is null || baseline == 0 ? null : (current.Value - baseline.Value) / baseline.Value;

    private static Cell Value(Line l, double? v, ReportInput input) => l.Kind switch
    {
        ValueKind.Percent => input.Percent(v),
        ValueKind.Money => input.Money((long)Math.Round((v ?? 0) * 100), l.Currency!),
        _ => input.Count((long)(v ?? 0)),
    };

    private static Cell AbsoluteChange(Line l, ReportInput input)
    {
        if (l.Current is null || l.Baseline is null)
            return new Cell(input.F.NotApplicable, ValueKind.Change);
        var d = l.Current.Value - l.Baseline.Value;
        var sign = d >= 0 ? "+" : "-";
        var text = l.Kind switch
        {
            // Win rate moves in percentage points.
            ValueKind.Percent => sign + input.F.Number((decimal)Math.Abs(d * 100), 2) + input.T(" pts", " 個百分點"),
            ValueKind.Money => sign + input.F.Money((decimal)Math.Abs(d), l.Currency!),
            _ => sign + input.F.Count((long)Math.Abs(d)),
        };
        return new Cell(text, ValueKind.Change, (decimal)d);
    }

    private static string TypeName(OpportunityType? type, ReportInput input) => type switch
    {
        OpportunityType.NewBusiness => input.T("New business", "新業務"),
        OpportunityType.Upsell => input.T("Upsell", "加購"),
        OpportunityType.Renewal => input.T("Renewal", "續約"),
        _ => "—",
    };

    /// <summary>
    /// YoY / QoQ / MoM compare whole periods, so a period not over yet is compared, so far, with all of its baseline
    /// (YTD / QTD / MTD are the to-date comparisons). Says so, and how to compare the same days, rather than let a
    /// partial quarter read as a fall.
    /// </summary>
    private static string? StillRunning(TrendComparison comparison, ResolvedPeriod current, ResolvedPeriod baseline, ReportInput input)
    {
        var today = input.Today;
        // On the period's last day, "first day to today" is the whole period: nothing to say.
        if (comparison is not (TrendComparison.Yoy or TrendComparison.Qoq or TrendComparison.Mom) || today < current.FirstDay || today >= current.EndDay.AddDays(-1))
            return null;
        var (first, last) = (current.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        // The typed command carries the comparison and the days only: offered when those are all the question had.
        var ask = input.Request is { Metric: null, Subject: null }
            ? input.T($" To compare the same days, ask `compare {comparison.ToString().ToLowerInvariant()} {first} to {last}`.",
                $"若要比較相同的日期，請輸入「{ComparisonName(comparison)}比較 {first}到{last}」。")
            : "";
        return input.T($"{current.Label} is not over yet: it is compared so far with all of {baseline.Label}.",
            $"{current.Label}尚未結束：目前為止的數字與整個{baseline.Label}比較。") + ask;
    }

    private static string EnglishName(TrendComparison c) => c switch
    {
        TrendComparison.Yoy => "YoY",
        TrendComparison.Mom => "MoM",
        TrendComparison.Qoq => "QoQ",
        _ => c.ToString().ToUpperInvariant(),
    };

    private static string ComparisonName(TrendComparison c) => c switch
    {
        TrendComparison.Yoy => "年增",
        TrendComparison.Mom => "月增",
        TrendComparison.Qoq => "季增",
        TrendComparison.Ytd => "今年至今",
        TrendComparison.Qtd => "本季至今",
        _ => "本月至今",
    };
}
