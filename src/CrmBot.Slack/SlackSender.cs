using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Slack.Api;
using CrmBot.Slack.Blocks;
using CrmBot.Slack.Inbound;
using Microsoft.Extensions.Logging;

namespace CrmBot.Slack;

/// <summary>
/// Proactive Slack messages (nudge DMs, scheduled channel posts). Throttling and bounded retries live
/// in <see cref="SlackApiClient"/>; this maps what is left into a <see cref="SendResult"/> the jobs act on.
/// </summary>
public sealed class SlackSender(SlackApiClient api, SlackConversations conversations, BlockKitRenderer renderer,
    ILogger<SlackSender> log) : IProactiveSender
{
    // Slack errors that mean "this person or channel cannot get messages from us": skip, do not retry.
    private static readonly HashSet<string> UnreachableErrors =
    [
        "cannot_dm_bot", "user_not_found", "user_disabled", "account_inactive", "channel_not_found",
        "not_in_channel", "is_archived", "messages_tab_disabled", "restricted_action", "team_access_not_granted",
    ];

    public ChatPlatform Platform => ChatPlatform.Slack;

    public async Task<SendResult> SendToUserAsync(int userId, Reply reply, CancellationToken ct)
    {
        try
        {
            var channel = await conversations.GetOrOpenDirectAsync(userId, ct);
            if (channel is null) return new SendResult(SendStatus.PermanentFailure, Error: "no_slack_identity");
            return await PostAsync(channel, reply, ct);
        }
        catch (SlackApiException e)
        {
            return Failure(e);
        }
    }

    public async Task<SendResult> SendToConversationAsync(ConversationRef conversation, Reply reply, CancellationToken ct)
    {
        try
        {
            return await PostAsync(conversation.ConversationId, reply, ct);
        }
        catch (SlackApiException e)
        {
            return Failure(e);
        }
    }

    private async Task<SendResult> PostAsync(string channel, Reply reply, CancellationToken ct)
    {
        var posted = await api.PostMessageAsync(channel, renderer.Render(reply).ToJson(), ct);
        return SendResult.Ok(posted.Ts);
    }

    private SendResult Failure(SlackApiException e)
    {
        log.LogWarning("Slack proactive {Method} failed: {Error}", e.Method, e.Error);
        return e switch
        {
            SlackRateLimitedException limited => new SendResult(SendStatus.Throttled, limited.RetryAfter, e.Error),
            { IsTransient: true } => new SendResult(SendStatus.TransientFailure, Error: e.Error),
            _ when UnreachableErrors.Contains(e.Error) => new SendResult(SendStatus.Unreachable, Error: e.Error),
            _ => new SendResult(SendStatus.PermanentFailure, Error: e.Error),
        };
    }
}
