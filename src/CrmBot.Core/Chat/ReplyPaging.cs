namespace CrmBot.Core.Chat;

/// <summary>
/// Shortening a reply that does not fit a channel's limits (Teams card size, Slack block count)
/// without hiding anything: the cut rows move behind the table's "show more" request.
/// </summary>
public static class ReplyPaging
{
    /// <summary>
    /// The reply with its longest table cut to <paramref name="keepFraction"/> of its rows (at most three
    /// quarters, so each call makes progress) and its next page starting after them; null when no table
    /// has more than one row left to cut.
    /// </summary>
    public static Reply? ShortenLongestTable(Reply reply, double keepFraction = 0.75)
    {
        if (reply.Report is not { } report) return null;
        var longest = report.Tables.Where(t => t.Rows.Count > 1).MaxBy(t => t.Rows.Count);
        if (longest is null) return null;
        var keep = Math.Clamp((int)(longest.Rows.Count * Math.Min(keepFraction, 0.75)), 1, longest.Rows.Count - 1);
        var shorter = longest with
        {
            Rows = longest.Rows.Take(keep).ToList(),
            TotalRows = Math.Max(longest.TotalRows, longest.Offset + longest.Rows.Count),
            NextPage = longest.NextPage is { } next ? next with { Offset = longest.Offset + keep } : null,
        };
        return reply with { Report = report with { Tables = report.Tables.Select(t => ReferenceEquals(t, longest) ? shorter : t).ToList() } };
    }
}
