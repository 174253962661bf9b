using CrmBot.Core.Data;

namespace CrmBot.Core.Chat;

public enum SendStatus
{
    Sent,
    /// <summary>Rate limited; try again after <see cref="SendResult.RetryAfter"/>.</summary>
    Throttled,
    /// <summary>Timeout or 5xx after the sender's own bounded retries: try again later.</summary>
    TransientFailure,
    /// <summary>The user blocked or uninstalled the bot (Teams 403 MessageWritesBlocked, Slack cannot_dm_bot…): skip and mark.</summary>
    Unreachable,
    /// <summary>Anything else that will not succeed by retrying (bad request, no conversation).</summary>
    PermanentFailure,
}

public sealed record SendResult(SendStatus Status, TimeSpan? RetryAfter = null, string? Error = null, string? MessageId = null)
{
    public static SendResult Ok(string? messageId = null) => new(SendStatus.Sent, MessageId: messageId);
}

/// <summary>
/// Proactive messages on one channel (nudge DMs, scheduled channel posts). Each channel's sender owns
/// its throttling, Retry-After and bounded retries; jobs record deliveries and never talk wire formats.
/// </summary>
public interface IProactiveSender
{
    ChatPlatform Platform { get; }

    /// <summary>A direct message to a CRM user on this channel (opening the 1:1 conversation if needed).</summary>
    Task<SendResult> SendToUserAsync(int userId, Reply reply, CancellationToken ct);

    /// <summary>A post to a stored conversation (a team channel for scheduled posts).</summary>
    Task<SendResult> SendToConversationAsync(ConversationRef conversation, Reply reply, CancellationToken ct);
}
