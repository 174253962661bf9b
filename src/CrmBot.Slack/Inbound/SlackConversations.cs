using CrmBot.Core.Data;
using CrmBot.Slack.Api;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Slack.Inbound;

/// <summary>The stored DM channel of each linked user, for proactive messages (nudges).</summary>
public sealed class SlackConversations(CrmDbContext db, SlackApiClient api, TimeProvider clock)
{
    public const string DirectType = "im";

    public Task<ConversationRef?> FindDirectAsync(int crmUserId, CancellationToken ct) =>
        db.ConversationRefs.FirstOrDefaultAsync(
            c => c.Platform == ChatPlatform.Slack && c.UserId == crmUserId && c.ConversationType == DirectType, ct);

    /// <summary>Read on every direct message, tracked so that a change is written back; compiled once because it is that frequent.</summary>
    private static readonly PerModelQuery<Func<CrmDbContext, string, string, CancellationToken, Task<ConversationRef?>>> StoredDirect = new(() =>
        EF.CompileAsyncQuery((CrmDbContext db, string teamId, string channelId, CancellationToken ct) =>
            db.ConversationRefs.AsTracking()
                .FirstOrDefault(c => c.Platform == ChatPlatform.Slack && c.Workspace == teamId && c.ConversationId == channelId)));

    /// <summary>Stores (or refreshes) the DM channel of a user.</summary>
    public async Task RememberDirectAsync(string teamId, int crmUserId, string slackUserId, string channelId, CancellationToken ct)
    {
        using var turn = await KeyedTurns.EnterAsync($"slack-dm:{teamId}:{channelId}", ct);
        var existing = await StoredDirect.For(db)(db, teamId, channelId, ct);
        if (existing is null)
        {
            existing = new ConversationRef
            {
                Platform = ChatPlatform.Slack, Workspace = teamId, ConversationId = channelId, ConversationType = DirectType,
                ChannelId = channelId,
            };
            db.ConversationRefs.Add(existing);
        }
        existing.UserId = crmUserId;
        existing.PlatformUserId = slackUserId;
        var now = clock.GetUtcNow().UtcDateTime;
        db.ChangeTracker.DetectChanges();
        if (db.Entry(existing).State == EntityState.Unchanged && existing.LastUsedIsFresh(now))
            return; // nothing new to store
        existing.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another worker may have stored the same DM a moment ago: then there is nothing to add.
            db.ChangeTracker.Clear();
            if (!await db.ConversationRefs.AnyAsync(
                    c => c.Platform == ChatPlatform.Slack && c.Workspace == teamId && c.ConversationId == channelId, ct))
                throw;
        }
    }

    /// <summary>The user's DM channel: stored, or opened with conversations.open (idempotent) and stored.</summary>
    public async Task<string?> GetOrOpenDirectAsync(int crmUserId, CancellationToken ct)
    {
        if (await FindDirectAsync(crmUserId, ct) is { } stored) return stored.ConversationId;
        var identity = await db.ChatIdentities.FirstOrDefaultAsync(i => i.Platform == ChatPlatform.Slack && i.UserId == crmUserId, ct);
        if (identity is null) return null;
        var channel = await api.OpenConversationAsync(identity.PlatformUserId, ct);
        await RememberDirectAsync(identity.Workspace, crmUserId, identity.PlatformUserId, channel, ct);
        return channel;
    }
}
