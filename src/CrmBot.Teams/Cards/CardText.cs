namespace CrmBot.Teams.Cards;

/// <summary>Text placed in card TextBlocks, which Teams reads as markdown.</summary>
internal static class CardText
{
    // Characters that would turn a customer name like "*ACME*_~" into emphasis or a link.
    private const string MarkdownSpecials = "\\`*_~[]";

    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny(MarkdownSpecials) < 0) return text;
        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (MarkdownSpecials.Contains(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A markdown link when a URL is known, the escaped text otherwise.</summary>
    public static string Link(string text, string? url) =>
        url is null ? Escape(text) : $"[{Escape(text)}]({url.Replace(")", "%29").Replace(" ", "%20")})";
}
