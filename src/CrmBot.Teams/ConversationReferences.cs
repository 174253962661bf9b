using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Teams;

/// <summary>
/// Where proactive messages can go, kept in the database (never in memory): saved on install and on every
/// inbound activity, which also refreshes the serviceUrl of the whole tenant (it "is stable but can change").
/// </summary>
public static class ConversationReferences
{
    /// <summary>Tenant id, or the channel id where there is no tenant (the Emulator / Web Chat).</summary>
    public static string Workspace(Activity a) => a.TenantId ?? a.ChannelId ?? "unknown";

    /// <summary>Channel posts are stored per channel, not per thread: "19:…@thread.tacv2;messageid=123" → "19:…@thread.tacv2".</summary>
    public static string ChannelConversationId(string conversationId)
    {
        var thread = conversationId.IndexOf(";messageid=", StringComparison.OrdinalIgnoreCase);
        return thread < 0 ? conversationId : conversationId[..thread];
    }

    /// <summary>Read on every activity, tracked so that a change is written back; compiled once because it is that frequent.</summary>
    private static readonly PerModelQuery<Func<CrmDbContext, string, string, CancellationToken, Task<ConversationRef?>>> StoredReference = new(() =>
        EF.CompileAsyncQuery((CrmDbContext db, string workspace, string conversationId, CancellationToken ct) =>
            db.ConversationRefs.AsTracking()
                .FirstOrDefault(r => r.Platform == ChatPlatform.Teams && r.Workspace == workspace && r.ConversationId == conversationId)));

    public static async Task SaveAsync(CrmDbContext db, Activity a, int? crmUserId, DateTime nowUtc, CancellationToken ct)
    {
        if (a.Conversation?.Id is not { Length: > 0 } rawId || a.ServiceUrl is null)
            return;
        var workspace = Workspace(a);
        var conversationId = ChannelConversationId(rawId);
        var type = a.Conversation.ConversationType ?? "personal";

        var serviceUrlChanged = false;
        var written = false;
        using (await KeyedTurns.EnterAsync($"teams-conversation:{workspace}:{conversationId}", ct))
        {
            for (var attempt = 0; ; attempt++)
            {
                var row = await StoredReference.For(db)(db, workspace, conversationId, ct);
                if (row is null)
                {
                    row = new ConversationRef { Platform = ChatPlatform.Teams, Workspace = workspace, ConversationId = conversationId, ConversationType = type };
                    db.ConversationRefs.Add(row);
                }
                // Written by an activity that arrived after this one (handled concurrently, finished first): its
                // serviceUrl is the newer one.
                var newer = row.UpdatedAt > nowUtc;
                serviceUrlChanged = !newer && row.ServiceUrl != a.ServiceUrl;
                row.ConversationType = type;
                if (!newer)
                    row.ServiceUrl = a.ServiceUrl;
                row.ChannelId = a.ChannelId;
                row.BotId = a.Recipient?.Id ?? row.BotId;
                if (type == "personal")
                {
                    row.PlatformUserId = a.From?.Id ?? row.PlatformUserId;
                    row.UserId = crmUserId ?? row.UserId;
                }
                db.ChangeTracker.DetectChanges();
                if (db.Entry(row).State == EntityState.Unchanged && row.LastUsedIsFresh(nowUtc))
                    break; // nothing new to store
                row.UpdatedAt = newer ? row.UpdatedAt : nowUtc;
                try
                {
                    await db.SaveChangesAsync(ct);
                    written = true;
                    break;
                }
                catch (DbUpdateException) when (attempt == 0)
                {
                    // Two activities of a new conversation raced on the unique index (on two instances: within one they take
                    // turns): the other one inserted; update it.
                    db.ChangeTracker.Clear();
                }
            }
        }

        // A tenant's serviceUrl changes for all its conversations at once, so a change seen here (or a new conversation)
        // is the moment to refresh the others. Repeated whenever this row is written anyway (at most every few minutes
        // per conversation), so a refresh that failed is repaired; otherwise there is nothing to write.
        // Only rows written before this activity arrived: activities are handled concurrently, and an earlier one that
        // finishes last (an install's, still on the old serviceUrl) must not move back what a later one refreshed.
        if (!serviceUrlChanged && !written)
            return;
        await db.ConversationRefs
            .Where(r => r.Platform == ChatPlatform.Teams && r.Workspace == workspace && r.ServiceUrl != a.ServiceUrl && r.UpdatedAt <= nowUtc)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ServiceUrl, a.ServiceUrl).SetProperty(r => r.UpdatedAt, nowUtc), ct);
    }
}
