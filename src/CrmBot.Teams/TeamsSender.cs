using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Teams.Cards;
using CrmBot.Teams.Connector;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams;

/// <summary>
/// Proactive Teams messages from stored conversation references: a 1:1 chat is created once
/// (POST /v3/conversations with the user's 29: id and the tenant) and stored; channel posts open a new thread.
/// The connector client retries throttling; what is left is mapped to a <see cref="SendResult"/>, and a
/// 403 MessageWritesBlocked marks the user unreachable instead of being retried forever.
/// </summary>
public sealed class TeamsSender(CrmDbContext db, ConnectorClient connector, AdaptiveCardRenderer renderer,
    IOptions<TeamsOptions> options, TimeProvider time, ILogger<TeamsSender> log) : IProactiveSender
{
    public ChatPlatform Platform => ChatPlatform.Teams;

    public async Task<SendResult> SendToUserAsync(int userId, Reply reply, CancellationToken ct) =>
        await GuardAsync(userId, async () =>
        {
            var conversation = await StoredPersonalConversationAsync(userId, ct) ?? await CreatePersonalConversationAsync(userId, ct);
            if (conversation is null)
                return new SendResult(SendStatus.PermanentFailure, Error: $"CRM user {userId} has never been seen on Teams");
            var id = await connector.SendToConversationAsync(conversation.ServiceUrl!, conversation.ConversationId,
                ActivityFactory.Proactive(conversation, conversation.ConversationId, renderer.Render(reply)), ct);
            return SendResult.Ok(id);
        }, ct);

    public async Task<SendResult> SendToConversationAsync(ConversationRef conversation, Reply reply, CancellationToken ct) =>
        await GuardAsync(conversation.UserId, async () =>
        {
            if (conversation.ServiceUrl is null)
                return new SendResult(SendStatus.PermanentFailure, Error: "the conversation has no serviceUrl");
            var card = renderer.Render(reply);
            if (conversation.ConversationType != "channel")
                return SendResult.Ok(await connector.SendToConversationAsync(conversation.ServiceUrl, conversation.ConversationId,
                    ActivityFactory.Proactive(conversation, conversation.ConversationId, card), ct));

            // A scheduled post starts its own thread in the channel (BB TeamsInfo.SendMessageToTeamsChannelAsync).
            var channelId = ConversationReferences.ChannelConversationId(conversation.ConversationId);
            var created = await connector.CreateConversationAsync(conversation.ServiceUrl, new ConversationParameters
            {
                IsGroup = true,
                TenantId = conversation.Workspace,
                ChannelData = new JsonObject
                {
                    ["channel"] = new JsonObject { ["id"] = channelId },
                    ["tenant"] = new JsonObject { ["id"] = conversation.Workspace },
                },
                Activity = ActivityFactory.Proactive(conversation, channelId, card),
            }, ct);
            return SendResult.Ok(created.ActivityId ?? created.Id);
        }, ct);

    /// <summary>
    /// The user's stored 1:1 chat: by CRM user, or by their Teams id when it was stored at install, before they were linked
    /// (an install saves the conversation with no CRM user).
    /// </summary>
    private async Task<ConversationRef?> StoredPersonalConversationAsync(int userId, CancellationToken ct)
    {
        var personal = db.ConversationRefs.Where(r => r.Platform == ChatPlatform.Teams && r.ConversationType == "personal");
        return await personal.Where(r => r.UserId == userId).OrderByDescending(r => r.UpdatedAt).FirstOrDefaultAsync(ct)
            ?? await personal
                .Where(r => r.UserId == null && db.ChatIdentities.Any(i => i.Platform == ChatPlatform.Teams && i.UserId == userId
                    && i.Workspace == r.Workspace && i.PlatformUserId == r.PlatformUserId))
                .OrderByDescending(r => r.UpdatedAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Opens the 1:1 chat with a linked user who has not talked to the bot in a personal chat yet. Teams answers with the
    /// existing chat when there is one; when that one is stored already (another instance created it meanwhile, or it was
    /// stored under another id), the stored row is taken rather than a second one inserted.
    /// </summary>
    private async Task<ConversationRef?> CreatePersonalConversationAsync(int userId, CancellationToken ct)
    {
        var identity = await db.ChatIdentities.Where(i => i.Platform == ChatPlatform.Teams && i.UserId == userId)
            .OrderByDescending(i => i.LinkedAt).FirstOrDefaultAsync(ct);
        if (identity is null)
            return null;
        // Any conversation in the tenant tells us its regional connector and our bot id there.
        var known = await db.ConversationRefs.Where(r => r.Platform == ChatPlatform.Teams && r.Workspace == identity.Workspace)
            .OrderByDescending(r => r.UpdatedAt).FirstOrDefaultAsync(ct);
        var serviceUrl = known?.ServiceUrl ?? options.Value.DefaultServiceUrl;
        var botId = known?.BotId ?? "28:" + options.Value.MicrosoftAppId;

        var created = await connector.CreateConversationAsync(serviceUrl, new ConversationParameters
        {
            IsGroup = false,
            Bot = new ChannelAccount { Id = botId },
            Members = [new ChannelAccount { Id = identity.PlatformUserId }],
            TenantId = identity.Workspace,
            ChannelData = ActivityFactory.TenantChannelData(identity.Workspace),
        }, ct);
        if (created.Id is null)
            throw new ConnectorException(502, "NoConversationId", "create conversation answered without an id");

        var conversation = new ConversationRef
        {
            Platform = ChatPlatform.Teams, Workspace = identity.Workspace, ConversationId = created.Id, ConversationType = "personal",
            ServiceUrl = created.ServiceUrl ?? serviceUrl, ChannelId = known?.ChannelId ?? "msteams", BotId = botId,
            UserId = userId, PlatformUserId = identity.PlatformUserId, UpdatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ConversationRefs.Add(conversation);
        try
        {
            await db.SaveChangesAsync(ct);
            return conversation;
        }
        catch (DbUpdateException)
        {
            // The unique (platform, workspace, conversation) index: the chat is stored already. Send there, and mark it as
            // this user's where it was stored without them, so that the next send finds it without creating it again.
            db.Entry(conversation).State = EntityState.Detached;
            await db.ConversationRefs
                .Where(r => r.Platform == ChatPlatform.Teams && r.Workspace == identity.Workspace && r.ConversationId == created.Id && r.UserId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.UserId, userId).SetProperty(r => r.PlatformUserId, identity.PlatformUserId), ct);
            return await db.ConversationRefs.FirstOrDefaultAsync(r => r.Platform == ChatPlatform.Teams
                && r.Workspace == identity.Workspace && r.ConversationId == created.Id, ct) ?? throw new InvalidOperationException(
                $"conversation {created.Id} could be neither stored nor read");
        }
        finally
        {
            db.Entry(conversation).State = EntityState.Detached;
        }
    }

    private async Task<SendResult> GuardAsync(int? userId, Func<Task<SendResult>> send, CancellationToken ct)
    {
        try
        {
            return await send();
        }
        catch (ConnectorException e) when (e.IsWritesBlocked)
        {
            log.LogWarning("Teams refuses messages to CRM user {UserId} ({Code}): marking unreachable", userId, e.ErrorCode);
            if (userId is { } id)
            {
                var now = time.GetUtcNow().UtcDateTime;
                await db.Users.Where(u => u.Id == id && u.UnreachableSince == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.UnreachableSince, now));
            }
            return new SendResult(SendStatus.Unreachable, Error: e.ErrorCode);
        }
        catch (ConnectorException e) when (e.StatusCode == 429)
        {
            return new SendResult(SendStatus.Throttled, e.RetryAfter ?? options.Value.RetryBaseDelay, e.Message);
        }
        catch (ConnectorException e) when (e.StatusCode is 412 or >= 500)
        {
            return new SendResult(SendStatus.TransientFailure, Error: e.Message);
        }
        catch (ConnectorException e)
        {
            return new SendResult(SendStatus.PermanentFailure, Error: e.Message);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // Network failure or the HTTP timeout: the message may or may not have arrived; the job decides. A cancelled
            // send (the caller's token: shutdown, or the outbox's lease) is the caller's to record, not a failed attempt.
            return new SendResult(SendStatus.TransientFailure, Error: e.Message);
        }
    }
}
