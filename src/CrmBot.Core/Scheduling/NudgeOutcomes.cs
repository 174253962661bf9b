using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// Records what a rep did about a nudged item: the engine calls this when an activity is logged or a
/// snooze created for a deal or account (from a nudge button or typed). Items still None after the
/// next nudge day count as ignored in `nudge stats`.
/// </summary>
public static class NudgeOutcomes
{
    /// <summary>Marks the latest nudge of this item to this user; false when it was never nudged.</summary>
    public static async Task<bool> RecordAsync(CrmDbContext db, int userId, int? opportunityId, int? accountId, NudgeOutcome outcome,
        DateTime utcNow, CancellationToken ct)
    {
        if (opportunityId is null && accountId is null)
            return false;
        var latest = await db.NudgeItems
            .Where(n => n.UserId == userId && (opportunityId != null ? n.OpportunityId == opportunityId : n.AccountId == accountId))
            .OrderByDescending(n => n.NudgedAt).ThenByDescending(n => n.Id)
            .Select(n => (int?)n.Id)
            .FirstOrDefaultAsync(ct);
        if (latest is not { } id)
            return false;
        await db.NudgeItems.Where(n => n.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Outcome, outcome).SetProperty(n => n.OutcomeAt, utcNow), ct);
        return true;
    }
}
