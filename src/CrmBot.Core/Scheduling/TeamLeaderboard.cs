using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Scheduling;

/// <summary>One rep's line on the scheduled leaderboard, with their rank in the previous period of equal length.</summary>
public sealed record LeaderboardLine(int UserId, string Name, int Rank, int WonCount, long WonCents, int LostCount, int PreviousRank)
{
    /// <summary>Won / (won + lost) in the period; null when nothing closed.</summary>
    public double? WinRate => WonCount + LostCount == 0 ? null : (double)WonCount / (WonCount + LostCount);

    /// <summary>Places moved up since the previous period (negative: down).</summary>
    public int Movement => PreviousRank - Rank;
}

/// <summary>
/// The team leaderboard of design.md 4 for scheduled posts: reps ranked by won amount (Closed Won with
/// closed-at in the period), ties by won count, then name; reps with nothing won listed with zeros;
/// rank movement against the previous period of equal length. One grouped query per period.
/// </summary>
public static class TeamLeaderboard
{
    public sealed record Board(IReadOnlyList<LeaderboardLine> Lines, string Currency, bool MixedCurrencies);

    public static async Task<Board> RankAsync(CrmDbContext db, int teamId, DateTime startUtc, DateTime endUtc, CancellationToken ct)
    {
        var reps = await db.Users.AsNoTracking()
            .Where(u => u.TeamId == teamId && u.Role == UserRole.Rep && u.IsActive)
            .Select(u => new { u.Id, u.Name })
            .ToListAsync(ct);
        var previousStart = startUtc - (endUtc - startUtc);
        var current = await TotalsAsync(db, teamId, startUtc, endUtc, ct);
        var previous = await TotalsAsync(db, teamId, previousStart, startUtc, ct);

        var previousRanks = Rank(reps.Select(r => (r.Id, r.Name, previous.GetValueOrDefault(r.Id))))
            .ToDictionary(x => x.Id, x => x.Rank);
        var lines = Rank(reps.Select(r => (r.Id, r.Name, current.GetValueOrDefault(r.Id))))
            .Select(x => new LeaderboardLine(x.Id, x.Name, x.Rank, x.Totals.Won, x.Totals.WonCents, x.Totals.Lost, previousRanks[x.Id]))
            .ToList();

        var currencies = await db.Opportunities
            .Where(o => o.Owner!.TeamId == teamId && o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= startUtc && o.ClosedAt < endUtc)
            .Select(o => o.Currency).Distinct().ToListAsync(ct);
        return new Board(lines, currencies.FirstOrDefault() ?? "USD", currencies.Count > 1);
    }

    private sealed record Totals(int Won, long WonCents, int Lost);

    private static IEnumerable<(int Id, string Name, int Rank, Totals Totals)> Rank(IEnumerable<(int Id, string Name, Totals? Totals)> reps) =>
        reps.Select(r => (r.Id, r.Name, Totals: r.Totals ?? new Totals(0, 0, 0)))
            .OrderByDescending(r => r.Totals.WonCents).ThenByDescending(r => r.Totals.Won).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Select((r, i) => (r.Id, r.Name, i + 1, r.Totals));

    private static async Task<Dictionary<int, Totals>> TotalsAsync(CrmDbContext db, int teamId, DateTime start, DateTime end, CancellationToken ct) =>
        await db.Opportunities
            .Where(o => o.Owner!.TeamId == teamId && o.ClosedAt >= start && o.ClosedAt < end
                        && (o.Stage == OpportunityStage.ClosedWon || o.Stage == OpportunityStage.ClosedLost))
            .GroupBy(o => o.OwnerId)
            .Select(g => new
            {
                g.Key,
                Won = g.Count(o => o.Stage == OpportunityStage.ClosedWon),
                WonCents = g.Sum(o => o.Stage == OpportunityStage.ClosedWon ? o.AmountCents ?? 0 : 0),
                Lost = g.Count(o => o.Stage == OpportunityStage.ClosedLost),
            })
            .ToDictionaryAsync(x => x.Key, x => new Totals(x.Won, x.WonCents, x.Lost), ct);
}
