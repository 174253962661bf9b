using CrmBot.Core.Commands;
using CrmBot.Core.Localization;

namespace CrmBot.Core.Time;

/// <summary>
/// A period resolved for one asker: half-open [<see cref="StartUtc"/>, <see cref="EndUtc"/>) in UTC, from local
/// midnights in the asker's time zone. <see cref="FirstDay"/> and <see cref="EndDay"/> are the same bounds as local
/// dates (EndDay exclusive), for date-only columns such as an expected close date.
/// </summary>
public sealed record ResolvedPeriod(DateTime StartUtc, DateTime EndUtc, DateOnly FirstDay, DateOnly EndDay, string Label, bool IsAllTime = false)
{
    /// <summary>A period that would start after today ("since 2030-01-01" runs from then back to today): nothing can be in it yet.</summary>
    public bool HasNotStarted => StartUtc >= EndUtc;

    /// <summary>The previous period of equal length (in local days), e.g. the previous quarter for a quarter.</summary>
    public (DateOnly First, DateOnly End) PreviousDays => (FirstDay.AddDays(-(EndDay.DayNumber - FirstDay.DayNumber)), FirstDay);
}

/// <summary>
/// Turns a <see cref="PeriodSpec"/> into instants. Periods are whole local days in the asker's zone (so "today"
/// and "this quarter" include everything up to the end of today); quarters and years follow the fiscal year,
/// which starts in <c>fiscalStartMonth</c>. A fiscal year is named after the calendar year it starts in.
/// Weeks start on Monday.
/// </summary>
public sealed class PeriodResolver(TimeZoneInfo zone, DateTimeOffset now, int fiscalStartMonth, Formats formats)
{
    // "All time" has a start far enough back for any CRM, and still valid for SQL Server's datetime2.
    private static readonly DateOnly Epoch = new(1900, 1, 1);

    public TimeZoneInfo Zone => zone;

    public DateTimeOffset Now => now;

    public DateOnly Today { get; } = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    public int FiscalStartMonth => fiscalStartMonth;

    /// <summary>Finds an IANA (or Windows) zone id; unknown ids fall back to UTC.</summary>
    public static TimeZoneInfo FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
            return TimeZoneInfo.Utc;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    public ResolvedPeriod Resolve(PeriodSpec spec, PeriodKind defaultKind)
    {
        var kind = spec.Kind == PeriodKind.Default ? defaultKind : spec.Kind;
        var today = Today;
        var tomorrow = today.AddDays(1);
        var (fy, fq) = FiscalQuarterOf(today);
        switch (kind)
        {
            case PeriodKind.Today: return Days(today, tomorrow, DayLabel(today));
            case PeriodKind.Yesterday: return Days(today.AddDays(-1), today, DayLabel(today.AddDays(-1)));
            case PeriodKind.NextWeek: return Week(StartOfWeek(today).AddDays(7));
            case PeriodKind.NextMonth: { var m = today.AddMonths(1); return Month(m.Year, m.Month); }
            case PeriodKind.NextQuarter: { var (y, q) = AddQuarters(fy, fq, 1); return Quarter(y, q); }
            case PeriodKind.NextYear: return Year(fy + 1);
            case PeriodKind.Half: return Half(spec.Year ?? fy + spec.RelativeYears, Clamp(spec.Number ?? 1, 1, 2));
            case PeriodKind.LastNMonths:
            {
                var n = Math.Max(1, spec.Number ?? 3);
                return Days(tomorrow.AddMonths(-n), tomorrow, formats.IsChinese ? $"最近{n}個月" : n == 1 ? "last 1 month" : $"last {n} months");
            }
            case PeriodKind.ThisWeek: return Week(StartOfWeek(today));
            case PeriodKind.LastWeek: return Week(StartOfWeek(today).AddDays(-7));
            case PeriodKind.ThisMonth: return Month(today.Year, today.Month);
            case PeriodKind.LastMonth: { var m = today.AddMonths(-1); return Month(m.Year, m.Month); }
            case PeriodKind.Month: return Month(spec.Year ?? today.Year, Clamp(spec.Number ?? today.Month, 1, 12));
            case PeriodKind.ThisQuarter: return Quarter(fy, fq);
            case PeriodKind.LastQuarter: { var (y, q) = AddQuarters(fy, fq, -1); return Quarter(y, q); }
            case PeriodKind.Quarter: return Quarter(spec.Year ?? fy, Clamp(spec.Number ?? fq, 1, 4));
            case PeriodKind.ThisYear: return Year(fy);
            case PeriodKind.LastYear: return Year(fy - 1);
            case PeriodKind.Year: return Year(spec.Year ?? fy);
            case PeriodKind.Ytd: return ToDate(FiscalYearStart(fy), formats.IsChinese ? "今年至今" : "YTD");
            case PeriodKind.Qtd: return ToDate(QuarterStart(fy, fq), formats.IsChinese ? "本季至今" : "QTD");
            case PeriodKind.Mtd: return ToDate(new DateOnly(today.Year, today.Month, 1), formats.IsChinese ? "本月至今" : "MTD");
            case PeriodKind.LastNDays:
            {
                var n = Math.Max(1, spec.Number ?? 30);
                return Days(tomorrow.AddDays(-n), tomorrow, formats.IsChinese ? $"最近{n}天" : $"last {formats.Days(n)}");
            }
            case PeriodKind.Since:
            {
                var from = spec.From ?? today;
                return Days(from, tomorrow, formats.IsChinese ? $"{formats.Date(from)}起" : $"since {formats.Date(from)}");
            }
            case PeriodKind.Range:
            {
                var from = spec.From ?? today;
                var to = spec.To ?? from;
                if (to < from) (from, to) = (to, from);
                return Days(from, to.AddDays(1), RangeLabel(from, to));
            }
            case PeriodKind.AllTime:
                return Days(Epoch, tomorrow, formats.IsChinese ? "全部期間" : "all time") with { IsAllTime = true };
            default:
                return Quarter(fy, fq);
        }
    }

    /// <summary>A period from local dates (end exclusive), labelled as given.</summary>
    public ResolvedPeriod Days(DateOnly first, DateOnly end, string label) =>
        new(ToUtc(first), ToUtc(end), first, end, label);

    /// <summary>The same local dates shifted by whole months (a year = 12), for YoY / MoM baselines.</summary>
    public ResolvedPeriod ShiftMonths(ResolvedPeriod p, int months, string label) =>
        Days(p.FirstDay.AddMonths(months), p.EndDay.AddMonths(months), label);

    public ResolvedPeriod Quarter(int fiscalYear, int quarter)
    {
        var start = QuarterStart(fiscalYear, quarter);
        return Days(start, start.AddMonths(3), QuarterLabel(fiscalYear, quarter));
    }

    public ResolvedPeriod Year(int fiscalYear)
    {
        var start = FiscalYearStart(fiscalYear);
        var label = fiscalStartMonth == 1
            ? (formats.IsChinese ? $"{fiscalYear}年" : $"{fiscalYear}")
            : (formats.IsChinese ? $"{fiscalYear}財年" : $"FY{fiscalYear}");
        return Days(start, start.AddYears(1), label);
    }

    /// <summary>Fiscal half 1 (quarters 1–2) or 2 (quarters 3–4).</summary>
    public ResolvedPeriod Half(int fiscalYear, int half)
    {
        var start = QuarterStart(fiscalYear, half * 2 - 1);
        var label = formats.IsChinese
            ? $"{fiscalYear}{(fiscalStartMonth == 1 ? "年" : "財年")}{(half == 1 ? "上" : "下")}半年"
            : fiscalStartMonth == 1 ? $"H{half} {fiscalYear}" : $"FY{fiscalYear} H{half}";
        return Days(start, start.AddMonths(6), label);
    }

    public (int FiscalYear, int Quarter) FiscalQuarterOf(DateOnly day)
    {
        var monthsIntoYear = (day.Month - fiscalStartMonth + 12) % 12;
        var fiscalYear = day.Month >= fiscalStartMonth ? day.Year : day.Year - 1;
        return (fiscalYear, monthsIntoYear / 3 + 1);
    }

    public static (int Year, int Quarter) AddQuarters(int year, int quarter, int delta)
    {
        var index = year * 4 + (quarter - 1) + delta;
        return (Math.DivRem(index, 4).Quotient, index % 4 + 1);
    }

    public DateOnly FiscalYearStart(int fiscalYear) => new(fiscalYear, fiscalStartMonth, 1);

    public DateOnly QuarterStart(int fiscalYear, int quarter) => FiscalYearStart(fiscalYear).AddMonths((quarter - 1) * 3);

    public string QuarterLabel(int fiscalYear, int quarter) =>
        formats.IsChinese ? $"{fiscalYear}年第{quarter}季" : $"{fiscalYear} Q{quarter}";

    /// <summary>Local midnight of a date as a UTC instant (a midnight skipped by DST moves to the first valid minute).</summary>
    public DateTime ToUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private ResolvedPeriod Week(DateOnly monday) =>
        Days(monday, monday.AddDays(7), RangeLabel(monday, monday.AddDays(6)));

    private ResolvedPeriod Month(int year, int month)
    {
        var first = new DateOnly(year, month, 1);
        var label = formats.IsChinese ? $"{year}年{month}月" : first.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        return Days(first, first.AddMonths(1), label);
    }

    private ResolvedPeriod ToDate(DateOnly first, string name) =>
        Days(first, Today.AddDays(1), $"{name} ({RangeLabel(first, Today)})");

    private string DayLabel(DateOnly d) => formats.Date(d);

    private string RangeLabel(DateOnly from, DateOnly to) =>
        from == to ? formats.Date(from) : $"{formats.Date(from)} – {formats.Date(to)}";

    private static DateOnly StartOfWeek(DateOnly d) => d.AddDays(-(((int)d.DayOfWeek + 6) % 7));

    private static int Clamp(int v, int min, int max) => Math.Min(max, Math.Max(min, v));
}
