using System.Globalization;
using System.Text.RegularExpressions;
using CrmBot.Core.Commands;

namespace CrmBot.Web.Cli;

/// <summary>
/// The structured form of `crmbot ask` (--report, --period, --subject…) turned into a <see cref="ReportRequest"/>,
/// until the sentence parser reads the same from plain words.
/// </summary>
public static partial class ReportArguments
{
    public const string Usage =
        "--report <kind> [--period this-quarter|last-month|2017|2017-06|2017-Q3|ytd|mtd|qtd|all|last-30-days|since:2017-01-01|2017-01-01..2017-03-31]\n" +
        "             [--subject me|team|everyone|team:<name>|user:<name or e-mail>] [--threshold N] [--breakdown owner|partner]\n" +
        "             [--compare yoy|mom|qoq|ytd|qtd|mtd] [--metric won-count|won-amount|win-rate|by-family|by-type] [--offset N]";

    /// <summary>The options <see cref="ToRequest"/> reads.</summary>
    public static readonly string[] OptionNames = ["report", "period", "subject", "threshold", "breakdown", "compare", "metric", "offset"];

    /// <summary>The request, or an error message naming the bad argument.</summary>
    public static (ReportRequest? Request, string? Error) ToRequest(IReadOnlyDictionary<string, string> o)
    {
        if (!o.TryGetValue("report", out var kindText) || ParseEnum<ReportKind>(kindText) is not { } kind)
            return (null, $"--report must be one of: {string.Join(", ", Enum.GetNames<ReportKind>().Select(Kebab))}.");
        var request = new ReportRequest(kind);
        if (o.TryGetValue("period", out var period))
        {
            if (ParsePeriod(period) is not { } spec)
                return (null, $"--period '{period}' is not a period I know.");
            request = request with { Period = spec };
        }
        if (o.TryGetValue("subject", out var subject))
            request = request with { Subject = ParseSubject(subject) };
        if (o.TryGetValue("threshold", out var threshold))
        {
            if (!int.TryParse(threshold, CultureInfo.InvariantCulture, out var days) || days < 0)
                return (null, "--threshold must be a whole number of days.");
            request = request with { ThresholdDays = days };
        }
        if (o.TryGetValue("breakdown", out var breakdown))
        {
            if (ParseEnum<Breakdown>(breakdown) is not { } b)
                return (null, "--breakdown must be one of: " + string.Join(", ", Enum.GetNames<Breakdown>().Skip(1).Select(n => n.ToLowerInvariant())) + ".");
            request = request with { Breakdown = b };
        }
        if (o.TryGetValue("compare", out var compare))
        {
            if (ParseEnum<TrendComparison>(compare) is not { } c)
                return (null, "--compare must be yoy, mom, qoq, ytd, qtd or mtd.");
            request = request with { Compare = c };
        }
        if (o.TryGetValue("metric", out var metric))
        {
            var m = metric.ToLowerInvariant() switch
            {
                "by-family" or "family" => TrendMetric.WonAmountByProductFamily,
                "by-type" or "type" => TrendMetric.WonAmountByType,
                _ => ParseEnum<TrendMetric>(metric),
            };
            if (m is null)
                return (null, "--metric must be won-count, won-amount, win-rate, by-family or by-type.");
            request = request with { Metric = m };
        }
        if (o.TryGetValue("offset", out var offset))
        {
            if (!int.TryParse(offset, CultureInfo.InvariantCulture, out var n) || n < 0)
                return (null, "--offset must be a whole number.");
            request = request with { Offset = n };
        }
        return (request, null);
    }

    public static PeriodSpec? ParsePeriod(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (ParseEnum<PeriodKind>(t) is { } kind and not (PeriodKind.Year or PeriodKind.Month or PeriodKind.Quarter or PeriodKind.LastNDays or PeriodKind.LastNMonths or PeriodKind.Half or PeriodKind.Since or PeriodKind.Range))
            return PeriodSpec.Of(kind);
        if (t is "all" or "all-time")
            return PeriodSpec.Of(PeriodKind.AllTime);
        if (Regex.Match(t, @"^(\d{4})$") is { Success: true } y)
            return PeriodSpec.ForYear(int.Parse(y.Groups[1].Value, CultureInfo.InvariantCulture));
        if (Regex.Match(t, @"^(\d{4})-(\d{1,2})$") is { Success: true } m && int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) is >= 1 and <= 12)
            return PeriodSpec.ForMonth(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        if (Regex.Match(t, @"^(\d{4})[- ]?q([1-4])$") is { Success: true } q)
            return PeriodSpec.ForQuarter(int.Parse(q.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(q.Groups[2].Value, CultureInfo.InvariantCulture));
        if (Regex.Match(t, @"^last-(\d+)-days$") is { Success: true } n)
            return PeriodSpec.LastDays(int.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture));
        if (t.StartsWith("since:", StringComparison.Ordinal) && Date(t[6..]) is { } since)
            return PeriodSpec.SinceDate(since);
        // A range that ends before it starts is no period (commands.md), here as in chat: not swapped.
        if (t.Split("..") is [var from, var to] && Date(from) is { } f && Date(to) is { } e && e >= f)
            return PeriodSpec.Between(f, e);
        return null;
    }

    public static SubjectSpec ParseSubject(string text) => text.Trim() switch
    {
        var s when s.Equals("me", StringComparison.OrdinalIgnoreCase) => SubjectSpec.Me,
        var s when s.Equals("team", StringComparison.OrdinalIgnoreCase) => SubjectSpec.MyTeam,
        var s when s.Equals("everyone", StringComparison.OrdinalIgnoreCase) => SubjectSpec.Everyone,
        var s when s.StartsWith("team:", StringComparison.OrdinalIgnoreCase) => SubjectSpec.Team(s[5..]),
        var s when s.StartsWith("user:", StringComparison.OrdinalIgnoreCase) => SubjectSpec.User(s[5..]),
        var s => SubjectSpec.User(s),
    };

    /// <summary>"stale-deals", "stale_deals" and "StaleDeals" all name <see cref="ReportKind.StaleDeals"/>.</summary>
    private static T? ParseEnum<T>(string text) where T : struct, Enum
    {
        var name = text.Replace("-", "").Replace("_", "").Trim();
        // Names only: Enum.TryParse would also take "201706" as a number.
        return name.Length > 0 && char.IsLetter(name[0]) && Enum.TryParse<T>(name, ignoreCase: true, out var value) ? value : null;
    }

    private static DateOnly? Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static string Kebab(string name) => KebabRegex().Replace(name, "-$1").ToLowerInvariant();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex KebabRegex();
}
