using System.Text;

namespace CrmBot.Core.Commands;

/// <summary>
/// Replaces English words that are one or two typing slips away from a command word ("leaderbord",
/// "pipline", "quater") by that word, so the rest of the parser can match exactly.
/// Words of the vocabulary and short words are left alone (see <see cref="Fuzzy.Tolerance"/>).
/// </summary>
internal static class TypoCorrector
{
    private static readonly string[] Keywords = BuildKeywords();

    private static readonly HashSet<string> Known = [.. Keywords, .. Vocabulary.EnglishFiller];

    public static (string Cased, string Lower) Correct(string cased, string lower)
    {
        StringBuilder? casedOut = null, lowerOut = null;
        var copied = 0;
        for (var i = 0; i < lower.Length;)
        {
            if (!IsAsciiLetter(lower[i]) || (i > 0 && IsWordChar(lower[i - 1])))
            {
                i++;
                continue;
            }
            var end = i;
            while (end < lower.Length && IsAsciiLetter(lower[end]))
                end++;
            if (end < lower.Length && IsWordChar(lower[end]))
            {
                i = end;
                continue; // part of a longer token (e-mail, id, mixed script): not a typed keyword
            }
            var word = lower[i..end];
            if (word.Length >= 4 && word.Length <= 20 && !Known.Contains(word) && Closest(word) is { } fix)
            {
                casedOut ??= new StringBuilder(cased.Length);
                lowerOut ??= new StringBuilder(lower.Length);
                casedOut.Append(cased, copied, i - copied).Append(fix);
                lowerOut.Append(lower, copied, i - copied).Append(fix);
                copied = end;
            }
            i = end;
        }
        if (casedOut is null || lowerOut is null)
            return (cased, lower);
        casedOut.Append(cased, copied, cased.Length - copied);
        lowerOut.Append(lower, copied, lower.Length - copied);
        return (casedOut.ToString(), lowerOut.ToString());
    }

    private static string? Closest(string word)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var keyword in Keywords)
        {
            var tolerance = Fuzzy.Tolerance(keyword);
            if (tolerance == 0 || Math.Abs(keyword.Length - word.Length) > tolerance)
                continue;
            var d = Fuzzy.Distance(word, keyword, tolerance);
            if (d <= tolerance && d < bestDistance)
                (best, bestDistance) = (keyword, d);
        }
        return best;
    }

    private static bool IsAsciiLetter(char c) => c is >= 'a' and <= 'z';

    /// <summary>Characters that glue letters into a longer token (ids, e-mail addresses); CJK does not, so "我的pipline" is corrected.</summary>
    private static bool IsWordChar(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '@' or '_';

    private static string[] BuildKeywords()
    {
        var phrases = Vocabulary.EnglishReports.Select(p => p.Phrase)
            .Concat(Vocabulary.EnglishMetrics.Select(p => p.Phrase))
            .Concat(Vocabulary.EnglishBreakdowns.Select(p => p.Phrase))
            .Concat(Vocabulary.SettingKeys.Select(p => p.Phrase))
            .Concat(Vocabulary.EnglishDays.Select(p => p.Word))
            .Concat(Vocabulary.EnglishActivityTypes.Select(p => p.Word))
            .Concat([
                "today", "week", "month", "months", "quarter", "year", "weeks", "days", "last", "this", "previous", "current", "since",
                "until", "between", "through", "versus", "compared", "against", "over", "older", "more", "than",
                "team", "teams", "everyone", "everybody", "company", "snooze", "subscribe", "unsubscribe", "subscriptions",
                "settings", "help", "weekly", "daily", "monthly", "because", "statistics", "stats",
            ]);
        return phrases.SelectMany(p => p.Split(' ')).Where(w => w.All(IsAsciiLetter)).Distinct().ToArray();
    }
}
