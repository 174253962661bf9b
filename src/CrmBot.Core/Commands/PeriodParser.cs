using System.Globalization;
using System.Text.RegularExpressions;

namespace CrmBot.Core.Commands;

/// <summary>A period phrase found in a message: what it means and where it was (to remove it before reading the rest).</summary>
public sealed record PeriodMatch(PeriodSpec Period, int Index, int Length);

/// <summary>A phrase written as a period whose value cannot be one ("2017-02-30", "Q5 2017", "last 5000 days"), or a second period.</summary>
public sealed record UnusablePeriod(UnusableValue Kind, int Index, int Length);

/// <summary>What a question says about its period: the period (Default when it names none), where each phrase about it is, and the first value that cannot be used.</summary>
public sealed record PeriodReading(PeriodSpec Period, IReadOnlyList<(int Index, int Length)> Phrases, UnusablePeriod? Unusable);

/// <summary>
/// Finds the period in lower-case normalized text (see <see cref="NormalizedText"/>): English and zh-TW
/// relative periods (yesterday to next year), years, months, quarters in both orders, fiscal halves, "since" dates,
/// date ranges, last N days and last N months (counts in digits, English words to twelve, or Chinese numerals).
/// Forms are tried most specific first, so "2017-01-01 to 2017-03-31" is a range, not a year.
/// Impossible values (month 13, Q5, 2017-02-30, a range that ends before it starts) are not periods:
/// <see cref="Read"/> reports them, so that the asker is told rather than answered for another period.
/// </summary>
public static partial class PeriodParser
{
    /// <summary>A whole number as people type it: "30", "5000", "3,650".</summary>
    internal const string Number = @"\d{1,3}(?:,\d{3})+(?!\d)|\d+";

    private const string Date = @"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日號]";

    private static readonly HashSet<string> NameLikeKeywords = ["ever", "today", "今天", "今日"];

    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, PeriodKind> Keywords = new()
    {
        ["today"] = PeriodKind.Today, ["今天"] = PeriodKind.Today, ["今日"] = PeriodKind.Today,
        ["yesterday"] = PeriodKind.Yesterday, ["昨天"] = PeriodKind.Yesterday, ["昨日"] = PeriodKind.Yesterday,
        ["next week"] = PeriodKind.NextWeek, ["下週"] = PeriodKind.NextWeek, ["下周"] = PeriodKind.NextWeek, ["下星期"] = PeriodKind.NextWeek,
        ["下個星期"] = PeriodKind.NextWeek,
        ["next month"] = PeriodKind.NextMonth, ["下個月"] = PeriodKind.NextMonth, ["下月"] = PeriodKind.NextMonth,
        ["next quarter"] = PeriodKind.NextQuarter, ["next qtr"] = PeriodKind.NextQuarter, ["下季"] = PeriodKind.NextQuarter,
        ["下一季"] = PeriodKind.NextQuarter, ["下個季度"] = PeriodKind.NextQuarter, ["下季度"] = PeriodKind.NextQuarter,
        ["next year"] = PeriodKind.NextYear, ["明年"] = PeriodKind.NextYear,
        ["this week"] = PeriodKind.ThisWeek, ["current week"] = PeriodKind.ThisWeek, ["本週"] = PeriodKind.ThisWeek, ["本周"] = PeriodKind.ThisWeek,
        ["這週"] = PeriodKind.ThisWeek, ["這周"] = PeriodKind.ThisWeek, ["這星期"] = PeriodKind.ThisWeek, ["這個星期"] = PeriodKind.ThisWeek,
        ["last week"] = PeriodKind.LastWeek, ["previous week"] = PeriodKind.LastWeek, ["上週"] = PeriodKind.LastWeek, ["上周"] = PeriodKind.LastWeek,
        ["上星期"] = PeriodKind.LastWeek, ["上個星期"] = PeriodKind.LastWeek,
        ["this month"] = PeriodKind.ThisMonth, ["current month"] = PeriodKind.ThisMonth, ["本月"] = PeriodKind.ThisMonth, ["這個月"] = PeriodKind.ThisMonth,
        ["last month"] = PeriodKind.LastMonth, ["previous month"] = PeriodKind.LastMonth, ["上個月"] = PeriodKind.LastMonth, ["上月"] = PeriodKind.LastMonth,
        ["this quarter"] = PeriodKind.ThisQuarter, ["current quarter"] = PeriodKind.ThisQuarter, ["this qtr"] = PeriodKind.ThisQuarter,
        ["本季"] = PeriodKind.ThisQuarter, ["這季"] = PeriodKind.ThisQuarter, ["這一季"] = PeriodKind.ThisQuarter, ["本季度"] = PeriodKind.ThisQuarter,
        ["last quarter"] = PeriodKind.LastQuarter, ["previous quarter"] = PeriodKind.LastQuarter, ["last qtr"] = PeriodKind.LastQuarter,
        ["上季"] = PeriodKind.LastQuarter, ["上一季"] = PeriodKind.LastQuarter, ["上個季度"] = PeriodKind.LastQuarter, ["上季度"] = PeriodKind.LastQuarter,
        ["this year"] = PeriodKind.ThisYear, ["current year"] = PeriodKind.ThisYear, ["今年"] = PeriodKind.ThisYear, ["本年度"] = PeriodKind.ThisYear,
        ["last year"] = PeriodKind.LastYear, ["previous year"] = PeriodKind.LastYear, ["去年"] = PeriodKind.LastYear,
        ["ytd"] = PeriodKind.Ytd, ["year to date"] = PeriodKind.Ytd, ["year-to-date"] = PeriodKind.Ytd, ["今年至今"] = PeriodKind.Ytd,
        ["年初至今"] = PeriodKind.Ytd, ["本年至今"] = PeriodKind.Ytd,
        ["qtd"] = PeriodKind.Qtd, ["quarter to date"] = PeriodKind.Qtd, ["quarter-to-date"] = PeriodKind.Qtd, ["本季至今"] = PeriodKind.Qtd,
        ["mtd"] = PeriodKind.Mtd, ["month to date"] = PeriodKind.Mtd, ["month-to-date"] = PeriodKind.Mtd, ["本月至今"] = PeriodKind.Mtd,
        ["all time"] = PeriodKind.AllTime, ["all-time"] = PeriodKind.AllTime, ["alltime"] = PeriodKind.AllTime, ["ever"] = PeriodKind.AllTime,
        ["所有時間"] = PeriodKind.AllTime, ["歷來"] = PeriodKind.AllTime, ["全部時間"] = PeriodKind.AllTime, ["有史以來"] = PeriodKind.AllTime,
    };

    /// <summary>
    /// Each form, and what a match of it that reads as no period is: unusable, or (for a bare four-digit number, which
    /// need not be a year, and for keywords, which are always read) nothing.
    /// </summary>
    private static readonly (Regex Pattern, Func<Match, PeriodSpec?> Read, UnusableValue? Unreadable)[] Forms =
    [
        (RangeForm(), m => ReadDate(m.Groups["a"].Value) is { } a && ReadDate(m.Groups["b"].Value) is { } b && a <= b ? PeriodSpec.Between(a, b) : null, UnusableValue.Period),
        (SinceForm(), m => ReadDate(m.Groups["a"].Value) is { } a ? PeriodSpec.SinceDate(a) : null, UnusableValue.Period),
        (DayForm(), m => ReadDate(m.Groups["a"].Value) is { } a ? PeriodSpec.Between(a, a) : null, UnusableValue.Period),
        (QuarterForm(), m => Quarter(m.Groups["y"].Value, m.Groups["q"].Value), UnusableValue.Period),
        (MonthForm(), m => Month(m.Groups["y"].Value, m.Groups["m"].Value), UnusableValue.Period),
        (MonthNameForm(), m => Month(m.Groups["y"].Value, (Array.IndexOf(MonthNames, m.Groups["mn"].Value[..3]) + 1).ToString(CultureInfo.InvariantCulture)), UnusableValue.Period),
        (HalfForm(), m => Half(m.Groups["y"].Value, m.Groups["ry"].Value, m.Groups["h"].Value), UnusableValue.Period),
        (LastDaysForm(), m => LastDays(m.Groups["n"].Value, m.Groups["u"].Value), UnusableValue.LastDays),
        (LastMonthsForm(), m => LastMonths(m.Groups["n"].Value), UnusableValue.LastMonths),
        (YearForm(), m => int.TryParse(m.Groups["y"].Value, CultureInfo.InvariantCulture, out var y) && ValidYear(y) ? PeriodSpec.ForYear(y) : null, null),
        (KeywordForm(), m => Keywords.TryGetValue(m.Groups["k"].Value, out var kind) ? PeriodSpec.Of(kind) : null, null),
    ];

    /// <summary>
    /// The first period phrase in <paramref name="lower"/>, by the most specific form that matches; null when there is none.
    /// Without <paramref name="bareYears"/> a four-digit number alone is not looked for (it need not be a year).
    /// </summary>
    public static PeriodMatch? Find(string lower, bool bareYears = true)
    {
        foreach (var (pattern, read, _) in Forms)
            for (var m = bareYears || pattern != YearForm() ? pattern.Match(lower) : Match.Empty; m.Success; m = m.NextMatch())
                if (read(m) is { } period)
                    return new PeriodMatch(period, m.Index, m.Length);
        return null;
    }

    /// <summary>
    /// The period of a question, read in one way for every command: values that cannot be a period first, so that no part
    /// of one is read as a period ("Q5 2026" is not the year 2026); then the period; then a second one ("2017 Q3 last
    /// month"), which one answer cannot have. A bare four-digit number is never a second period: it need not be a year.
    /// </summary>
    public static PeriodReading Read(string lower)
    {
        var text = lower.ToCharArray();
        var phrases = new List<(int, int)>();
        UnusablePeriod? unusable = null;
        void Take(int index, int length)
        {
            Array.Fill(text, ParseText.Consumed, index, length);
            phrases.Add((index, length));
        }

        while (FindUnusable(new string(text)) is { } impossible)
        {
            unusable ??= impossible;
            Take(impossible.Index, impossible.Length);
        }
        var period = PeriodSpec.Default;
        // A bare four-digit number is the period only when nothing else is: in "last quarter for Studio 2000" it is a name.
        if ((Find(new string(text), bareYears: false) ?? Find(new string(text))) is { } found)
        {
            period = found.Period;
            Take(found.Index, found.Length);
            // Words that are also parts of names ("Ever Garcia", "USA Today", 今日科技) are not taken for a second period.
            if (Find(new string(text), bareYears: false) is { } second && !NameLikeKeywords.Contains(new string(text, second.Index, second.Length)))
            {
                unusable ??= new UnusablePeriod(UnusableValue.SecondPeriod, second.Index, second.Length);
                Take(second.Index, second.Length);
            }
        }
        return new PeriodReading(period, phrases, unusable);
    }

    /// <summary>The first phrase in <paramref name="lower"/> that is written as a period but cannot be one; null when there is none.</summary>
    private static UnusablePeriod? FindUnusable(string lower)
    {
        foreach (var (pattern, read, unreadable) in Forms)
            if (unreadable is { } kind)
                for (var m = pattern.Match(lower); m.Success; m = m.NextMatch())
                    if (read(m) is null)
                        return new UnusablePeriod(kind, m.Index, m.Length);
        return null;
    }

    /// <summary>The whole of <paramref name="text"/> read as a period ("2017 Q3", "上個月"); null when it is not exactly one period.</summary>
    public static PeriodSpec? Parse(string text, ParseContext? context = null)
    {
        var lower = NormalizedText.From(text, context ?? ParseContext.Default).Lower;
        var match = Find(lower);
        return match is not null && match.Length == lower.Length ? match.Period : null;
    }

    internal static DateOnly? ReadDate(string text)
    {
        var digits = DateParts().Matches(text);
        if (digits.Count != 3)
            return null;
        var y = int.Parse(digits[0].Value, CultureInfo.InvariantCulture);
        var mo = int.Parse(digits[1].Value, CultureInfo.InvariantCulture);
        var d = int.Parse(digits[2].Value, CultureInfo.InvariantCulture);
        return ValidYear(y) && mo is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, mo) ? new DateOnly(y, mo, d) : null;
    }

    private static bool ValidYear(int y) => y is >= 1900 and <= 2199;

    private static PeriodSpec? Quarter(string year, string quarter)
    {
        var q = "零一二三四五六七八九".IndexOf(quarter, StringComparison.Ordinal) is var chinese and >= 0 ? chinese
            : quarter == "〇" ? 0 : int.Parse(quarter, CultureInfo.InvariantCulture);
        var y = int.Parse(year, CultureInfo.InvariantCulture);
        return ValidYear(y) && q is >= 1 and <= 4 ? PeriodSpec.ForQuarter(y, q) : null;
    }

    private static PeriodSpec? Month(string year, string month)
    {
        var y = int.Parse(year, CultureInfo.InvariantCulture);
        var m = int.Parse(month, CultureInfo.InvariantCulture);
        return ValidYear(y) && m is >= 1 and <= 12 ? PeriodSpec.ForMonth(y, m) : null;
    }

    private static PeriodSpec? LastDays(string number, string unit)
    {
        if (CountOf(number) is not { } n || n > UnusableValueCommand.MaxDays)
            return null;
        var days = unit.StartsWith('w') || unit is "週" or "周" or "星期" or "禮拜" ? n * 7 : n;
        return days is >= 1 and <= UnusableValueCommand.MaxDays ? PeriodSpec.LastDays(days) : null;
    }

    private static PeriodSpec? LastMonths(string number) =>
        CountOf(number) is { } n && n is >= 1 and <= UnusableValueCommand.MaxMonths ? PeriodSpec.LastMonths(n) : null;

    private static PeriodSpec? Half(string year, string relativeYear, string half)
    {
        int? y = year.Length == 0 ? null : int.Parse(year, CultureInfo.InvariantCulture);
        var h = half switch { "上" or "1" or "first" => 1, "下" or "2" or "second" => 2, _ => 0 };
        var years = relativeYear switch { "去年" or "last year" or "previous year" => -1, "明年" or "next year" => 1, _ => 0 };
        return h > 0 && (y is null || ValidYear(y.Value)) ? PeriodSpec.ForHalf(y, h) with { RelativeYears = years } : null;
    }

    private static readonly string[] EnglishCounts = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

    /// <summary>A count as people write it in a period: "30", "3,650", "three", "三十", "兩"; null when it is none.</summary>
    internal static int? CountOf(string text)
    {
        if (int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n))
            return n;
        if (Array.IndexOf(EnglishCounts, text) is var word and >= 0)
            return word;
        return ChineseCount(text);
    }

    /// <summary>
    /// Chinese numerals up to 9,999: 七, 十二, 三十, 九十, 一百八十, 兩百, 三百零五, and digit by digit with a zero (一〇〇).
    /// Not a number: 三五 ("three or five"), 十十, 五十百 (units must fall).
    /// </summary>
    private static int? ChineseCount(string text)
    {
        const string digits = "零一二三四五六七八九";
        static int Digit(char c) => c switch { '兩' => 2, '〇' => 0, _ => digits.IndexOf(c) };
        if (text.Length == 0)
            return null;
        if (text.All(c => Digit(c) >= 0))
        {
            if (text.Length == 1)
                return Digit(text[0]);
            // Digit by digit only with a zero in it (一〇〇); two digits side by side are a span, "three or five".
            return text.Any(c => c is '〇' or '零') ? text.Aggregate(0, (n, c) => n * 10 + Digit(c)) : null;
        }
        int total = 0, lastUnit = int.MaxValue;
        int? current = null;
        foreach (var c in text)
        {
            if (Digit(c) is var d and >= 0)
            {
                if (current is not null && d != 0 && current != 0)
                    return null;   // a digit right after a digit
                current = d;
                continue;
            }
            var unit = c switch { '十' => 10, '百' => 100, '千' => 1000, _ => 0 };
            if (unit == 0 || unit >= lastUnit)
                return null;
            total += (current is null or 0 ? 1 : current.Value) * unit;
            lastUnit = unit;
            current = null;
        }
        return total + (current ?? 0);
    }

    internal const string EnglishCount = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve";
    internal const string ChineseNumerals = "[零〇一二兩三四五六七八九十百千]+";

    [GeneratedRegex(@"(?:(?:from|between)\s+|從\s*|自\s*)?(?<a>" + Date + @")\s*(?:to|until|till|through|thru|and|-|~|至|到)\s*(?<b>" + Date + @")(?:\s*(?:之間|為止|止))?")]
    private static partial Regex RangeForm();

    [GeneratedRegex(@"(?:(?:since|from|after|starting)\s+(?<a>" + Date + @"))|(?:(?:從|自)\s*(?<a>" + Date + @")\s*(?:起|開始|以來)?)|(?:(?<a>" + Date + @")\s*(?:以來|起|之後|開始))")]
    private static partial Regex SinceForm();

    /// <summary>One day: "2017-03-15", "2017年3月15日".</summary>
    [GeneratedRegex(@"(?<![\d/.\-])(?<a>" + Date + @")(?![\d/.\-])")]
    private static partial Regex DayForm();

    [GeneratedRegex(@"(?<y>\d{4})\s*年\s*第?\s*(?<q>\d|[零〇一二三四五六七八九])\s*季度?|(?<![a-z0-9])(?:(?<y>\d{4})\s*-?\s*q(?<q>\d)|q(?<q>\d)\s*-?\s*(?:of\s+)?(?<y>\d{4})|(?<q>\d)(?:st|nd|rd|th)\s+quarter\s+(?:of\s+)?(?<y>\d{4}))(?![a-z0-9])")]
    private static partial Regex QuarterForm();

    [GeneratedRegex(@"(?<y>\d{4})\s*年\s*(?<m>\d{1,2})\s*月(?!\s*\d)|(?<![a-z0-9/.-])(?<y>\d{4})[-/](?<m>\d{1,2})(?![-/.\d])")]
    private static partial Regex MonthForm();

    // Real month names and their abbreviations only: "Mario 1000" or "2024 Marketing" is no month.
    private const string MonthName = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

    [GeneratedRegex(@"(?<![a-z])(?:(?<mn>" + MonthName + @")\.?\s+(?<y>\d{4})|(?<y>\d{4})\s+(?<mn>" + MonthName + @"))(?![a-z0-9])")]
    private static partial Regex MonthNameForm();

    [GeneratedRegex(@"(?<![a-z])(?:in\s+)?(?:the\s+)?(?:last|past|previous)\s+(?<n>" + Number + "|" + EnglishCount + @")\s*(?<u>days?|weeks?)(?![a-z])|(?:最近|過去|近)\s*(?<n>" + Number + "|" + ChineseNumerals + @")\s*個?\s*(?<u>天|日|週|周|星期|禮拜)")]
    private static partial Regex LastDaysForm();

    [GeneratedRegex(@"(?<![a-z])(?:in\s+)?(?:the\s+)?(?:last|past|previous)\s+(?<n>" + Number + "|" + EnglishCount + @")\s*months?(?![a-z])|(?:最近|過去|近)\s*(?<n>" + Number + "|" + ChineseNumerals + @")\s*個\s*月")]
    private static partial Regex LastMonthsForm();

    /// <summary>A fiscal half: "H1 2026", "2026 H2", "H1 last year", "first half of 2026", "second half" (this fiscal year),
    /// "2026年上半年", "去年下半年", "下半年". "H1" alone is not one: it may be a name ("H1 Labs").</summary>
    [GeneratedRegex(@"(?<![a-z0-9])(?:h(?<h>\d)\s*(?:of\s+)?(?:(?:fy\s*)?(?<y>\d{4})|(?<ry>this year|last year|previous year|next year))|(?:fy\s*)?(?<y>\d{4})\s*-?\s*h(?<h>\d)|(?<h>first|second)\s+half(?:\s+(?:of\s+)?(?:(?:fy\s*)?(?<y>\d{4})|(?:the\s+)?(?<ry>this year|last year|previous year|next year)))?)(?![a-z0-9])|(?:(?<y>\d{4})\s*(?:財?年度?)?\s*|(?<ry>今年|去年|明年)\s*(?:的\s*)?)?(?<h>上|下)半年度?")]
    private static partial Regex HalfForm();

    [GeneratedRegex(@"(?<![a-z0-9.:/-])(?:fy\s*)?(?<y>\d{4})(?:\s*年度?)?(?![0-9:/-]|\.\d)")]
    private static partial Regex YearForm();

    [GeneratedRegex(@"(?<![a-z])(?<k>year[- ]to[- ]date|quarter[- ]to[- ]date|month[- ]to[- ]date|(?:this|current|last|previous)\s+(?:week|month|quarter|qtr|year)|next\s+(?:week|month|quarter|qtr|year)|all[- ]?time|yesterday|today|ytd|qtd|mtd|ever)(?![a-z])|(?<k>今年至今|年初至今|本年至今|本季至今|本月至今|這個星期|上個星期|下個星期|上個季度|下個季度|有史以來|所有時間|全部時間|本年度|本季度|上季度|下季度|這一季|上一季|下一季|上個月|這個月|下個月|這星期|上星期|下星期|今天|今日|昨天|昨日|本週|本周|這週|這周|上週|上周|下週|下周|本月|上月|下月|本季|這季|上季|下季|今年|去年|明年|歷來)")]
    private static partial Regex KeywordForm();

    [GeneratedRegex(@"\d+")]
    private static partial Regex DateParts();
}
