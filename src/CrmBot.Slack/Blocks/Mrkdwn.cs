namespace CrmBot.Slack.Blocks;

/// <summary>Slack mrkdwn text: escaping, links and cutting to a limit with a visible ellipsis.</summary>
public static class Mrkdwn
{
    /// <summary>Slack requires &amp;, &lt; and &gt; escaped; everything else is shown as typed.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>&lt;url|text&gt; when a URL is known ("|" would end the label early, so it becomes "¦").</summary>
    public static string Link(string text, string? url) =>
        url is null ? Escape(text) : $"<{url}|{Escape(text).Replace('|', '¦')}>";

    /// <summary>Cuts to at most <paramref name="max"/> characters, ending with "…" when cut (never splitting a surrogate pair).</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }
}
