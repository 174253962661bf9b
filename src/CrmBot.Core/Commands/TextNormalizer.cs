using System.Text;
using System.Text.RegularExpressions;

namespace CrmBot.Core.Commands;

/// <summary>
/// A chat message made comparable: bot mentions removed, other mentions set aside as subjects,
/// NFKC (full-width → ASCII), control characters dropped, spaces collapsed. <see cref="Cased"/> and
/// <see cref="Lower"/> have the same length, char for char, so a phrase found in the lower-case text
/// can be read back with its original case (names, notes).
/// </summary>
public sealed partial class NormalizedText
{
    /// <summary>Private-use character that marks a mention placeholder (private-use input is dropped first, so it cannot be forged).</summary>
    public const char MentionMark = '\uE000';

    /// <summary>Longest message the parser reads: Slack's text limit. Longer input is cut (commands are short).</summary>
    public const int MaxLength = 40_000;

    private NormalizedText(string cased, IReadOnlyList<string> mentions)
    {
        Cased = cased;
        Lower = cased.ToLowerInvariant();
        Mentions = mentions;
    }

    public string Cased { get; }
    public string Lower { get; }

    /// <summary>Subjects mentioned in the message (Slack user id or Teams display name), in order; the text holds "\uE000{index}\uE000" for each.</summary>
    public IReadOnlyList<string> Mentions { get; }

    public bool HasCjk => ContainsCjk(Lower);

    public static bool ContainsCjk(string s)
    {
        foreach (var c in s)
            if (IsCjk(c))
                return true;
        return false;
    }

    public static bool IsCjk(char c) => c is >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF';

    /// <summary>Every decimal digit as its ASCII one ("٣" → "3"): the parsers' \d matches any, and int.Parse reads only these.</summary>
    private static string AsciiDigits(string s)
    {
        if (!s.Any(c => c > '\u007f' && char.IsDigit(c)))
            return s;
        return string.Concat(s.Select(c => c > '\u007f' && char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c));
    }

    public static NormalizedText From(string? text, ParseContext context)
    {
        var s = Sanitize(text ?? "");
        s = s.Normalize(NormalizationForm.FormKC);
        s = AsciiDigits(s);
        s = DecodeEntities(s);

        var mentions = new List<string>();
        s = s.Trim();
        s = TeamsMention().Replace(s, m =>
        {
            var name = m.Groups["name"].Value.Trim();
            // The bot's own mention addresses the message; any other mention names a subject.
            if (name.Length == 0 || (mentions.Count == 0 && string.IsNullOrWhiteSpace(s[..m.Index])) ||
                string.Equals(name, context.BotName, StringComparison.OrdinalIgnoreCase))
                return " ";
            mentions.Add(name);
            return $" {MentionMark}{mentions.Count - 1}{MentionMark} ";
        });
        s = SlackMention().Replace(s, m =>
        {
            var id = m.Groups["id"].Value;
            if (string.Equals(id, context.BotUserId, StringComparison.OrdinalIgnoreCase))
                return " ";
            mentions.Add(id);
            return $" {MentionMark}{mentions.Count - 1}{MentionMark} ";
        });
        s = SlackSpecial().Replace(s, " ");
        s = CjkPunctuation().Replace(s, " ");
        s = Spaces().Replace(s, " ").Trim();
        s = LeadingBotName().Replace(s, "");
        if (context.BotName.Length > 0 && s.StartsWith("@" + context.BotName, StringComparison.OrdinalIgnoreCase))
            s = s[(context.BotName.Length + 1)..].TrimStart(' ', ',', ':');
        return new NormalizedText(s.Trim(), mentions);
    }

    /// <summary>Drops control, format, private-use and unassigned characters and lone surrogates (NFKC throws on some of them); caps the length.</summary>
    private static string Sanitize(string text)
    {
        var length = Math.Min(text.Length, MaxLength);
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(c).Append(text[i + 1]);
                    i++;
                }
                continue;
            }
            if (char.IsLowSurrogate(c))
                continue;
            var category = char.GetUnicodeCategory(c);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned)
                sb.Append(c is '\n' or '\r' or '\t' ? ' ' : c == '\u200B' ? ' ' : '\0');
            else
                sb.Append(c);
        }
        return sb.Replace("\0", "").ToString();
    }

    /// <summary>Slack escapes &amp;, &lt;, &gt;; Teams text may carry &amp;nbsp;.</summary>
    private static string DecodeEntities(string s) =>
        s.Contains('&') ? s.Replace("&nbsp;", " ").Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&") : s;

    [GeneratedRegex(@"<at>(?<name>[^<]{0,200})</at>", RegexOptions.IgnoreCase)]
    private static partial Regex TeamsMention();

    [GeneratedRegex(@"<@(?<id>[UW][A-Z0-9]{1,20})(\|[^>]{0,100})?>", RegexOptions.IgnoreCase)]
    private static partial Regex SlackMention();

    /// <summary>Slack channel links and broadcasts (&lt;#C123|general&gt;, &lt;!here&gt;) carry no command words.</summary>
    [GeneratedRegex(@"<[#!][^>]{0,200}>")]
    private static partial Regex SlackSpecial();

    [GeneratedRegex(@"[、。，！？；「」『』（）【】《》〈〉]")]
    private static partial Regex CjkPunctuation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(/crm\b|crmbot\b[,:]?)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingBotName();
}
