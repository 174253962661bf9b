using System.Globalization;

namespace CrmBot.Core.Localization;

/// <summary>
/// Number, money, percent and date formats per reply language, shared by every renderer so that
/// Teams, Slack and the CLI print identical figures. zh-TW follows Taiwan's usage: 2017年9月30日,
/// comma thousands separators, US$ / NT$ prefixes.
/// </summary>
public sealed class Formats
{
    public const string English = "en";
    public const string TraditionalChinese = "zh-TW";

    public static readonly Formats En = new(English);
    public static readonly Formats ZhTw = new(TraditionalChinese);

    private readonly CultureInfo _culture;

    private Formats(string language)
    {
        Language = language;
        _culture = CultureInfo.GetCultureInfo(language == TraditionalChinese ? "zh-TW" : "en-US");
    }

    public string Language { get; }

    public bool IsChinese => Language == TraditionalChinese;

    public static Formats For(string? language) => Normalize(language) == TraditionalChinese ? ZhTw : En;

    /// <summary>Maps "zh", "zh-Hant", "zh-TW", "zh-tw" to zh-TW and anything else to en.</summary>
    public static string Normalize(string? language) =>
        language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? TraditionalChinese : English;

    public string NotApplicable => IsChinese ? "不適用" : "n/a";

    public string Count(long n) => n.ToString("#,0", _culture);

    public string Number(decimal n, int decimals = 0) => n.ToString(decimals == 0 ? "#,0" : "#,0." + new string('0', decimals), _culture);

    /// <summary>Whole currency units; cents shown when the amount has them, or always with <paramref name="withCents"/>.</summary>
    public string Money(decimal amount, string currency, bool withCents = false)
    {
        var digits = !withCents && decimal.Truncate(amount) == amount ? "#,0" : "#,0.00";
        var sign = amount < 0 ? "-" : "";
        var text = Math.Abs(amount).ToString(digits, _culture);
        return currency switch
        {
            "USD" => sign + (IsChinese ? "US$" : "$") + text,
            "TWD" => sign + "NT$" + text,
            "EUR" => sign + "€" + text,
            _ => sign + text + " " + currency,
        };
    }

    public string MoneyCents(long cents, string currency) => Money(cents / 100m, currency);

    /// <summary>A ratio (0.6315) as "63.15%"; null as n/a.</summary>
    public string Percent(double? ratio, int decimals = 2) =>
        ratio is null || double.IsNaN(ratio.Value) || double.IsInfinity(ratio.Value)
            ? NotApplicable
            : (ratio.Value * 100).ToString("0." + new string('0', decimals), CultureInfo.InvariantCulture) + "%";

    /// <summary>A change in percent with its sign ("+12.50%", "-3.00%"); null as n/a.</summary>
    public string SignedPercent(double? ratio, int decimals = 2) =>
        ratio is null || double.IsNaN(ratio.Value) || double.IsInfinity(ratio.Value)
            ? NotApplicable
            : (ratio.Value >= 0 ? "+" : "") + Percent(ratio, decimals);

    /// <summary>en: "Sep 30, 2017"; zh-TW: "2017年9月30日".</summary>
    public string Date(DateOnly d) =>
        IsChinese ? $"{d.Year}年{d.Month}月{d.Day}日" : d.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);

    /// <summary>en: "as of 2017-09-30" (design.md's example); zh-TW: "截至 2017年9月30日". Every answer's context ends with it.</summary>
    public string AsOf(DateOnly d) => IsChinese ? $"截至 {Date(d)}" : $"as of {d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public string Days(int n) => IsChinese ? $"{Count(n)} 天" : n == 1 ? "1 day" : $"{Count(n)} days";
}
