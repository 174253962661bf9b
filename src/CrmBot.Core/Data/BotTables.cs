namespace CrmBot.Core.Data;

// The bot's own tables (design.md section 3): who is who on each chat platform, where to send
// proactive messages, scheduled posts, and the delivery record that makes sends exactly-once.

public enum ChatPlatform { Teams = 0, Slack = 1 }

/// <summary>Links a chat account (Teams 29:/AAD object id, Slack U…) to a CRM user.</summary>
public sealed class ChatIdentity
{
    public int Id { get; set; }
    public ChatPlatform Platform { get; set; }
    /// <summary>Teams tenant id or Slack workspace (team) id.</summary>
    public required string Workspace { get; set; }
    public required string PlatformUserId { get; set; }
    public string? AadObjectId { get; set; }
    public int UserId { get; set; }
    public User? User { get; set; }
    public DateTime LinkedAt { get; set; }
}

/// <summary>Where a proactive message can go; refreshed on every inbound activity (serviceUrl can change).</summary>
public sealed class ConversationRef
{
    public int Id { get; set; }
    public ChatPlatform Platform { get; set; }
    public required string Workspace { get; set; }
    public required string ConversationId { get; set; }
    /// <summary>"personal", "channel", "groupChat" (Teams) or "im", "channel" (Slack).</summary>
    public required string ConversationType { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public string? BotId { get; set; }
    /// <summary>The CRM user of a 1:1 conversation.</summary>
    public int? UserId { get; set; }
    public string? PlatformUserId { get; set; }
    /// <summary>Last used: picks a user's most recent conversation. Refreshed at most every <see cref="LastUsedResolution"/>.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// How stale <see cref="UpdatedAt"/> may get. Most activities repeat what is stored, and a write on every message
    /// (a transaction and a sync on SQLite) would cost more than the answer to a small report.
    /// </summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(5);

    public bool LastUsedIsFresh(DateTime nowUtc) => nowUtc - UpdatedAt < LastUsedResolution;
}

public enum SubscriptionFrequency { Daily = 0, Weekly = 1, Monthly = 2 }

/// <summary>A scheduled post of a team report to a channel.</summary>
public sealed class ChannelSubscription
{
    public int Id { get; set; }
    public ChatPlatform Platform { get; set; }
    public required string Workspace { get; set; }
    public required string ConversationId { get; set; }
    public int? ConversationRefId { get; set; }
    /// <summary>Report kind name, e.g. "Leaderboard".</summary>
    public required string Report { get; set; }
    public int TeamId { get; set; }
    public SubscriptionFrequency Frequency { get; set; }
    public DayOfWeek? DayOfWeek { get; set; }
    public int? DayOfMonth { get; set; }
    public TimeOnly TimeOfDay { get; set; }
    public required string TimeZone { get; set; }
    public string Language { get; set; } = "en";
    public int CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public bool IsActive { get; set; } = true;
}

public enum DeliveryKind { Nudge = 0, Escalation = 1, ScheduledPost = 2 }

public enum DeliveryStatus { Pending = 0, Sent = 1, Failed = 2, Skipped = 3 }

/// <summary>
/// One proactive message, recorded before it is sent (the outbox). <see cref="Key"/> is unique:
/// recipient + kind + local date, or subscription + period, so a retried job or a second instance
/// cannot send it twice, and a crash after recording is recovered by resending pending rows.
/// </summary>
public sealed class Delivery
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public DeliveryKind Kind { get; set; }
    public ChatPlatform Platform { get; set; }
    public int? RecipientUserId { get; set; }
    public int? SubscriptionId { get; set; }
    public DateOnly LocalDate { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? PayloadJson { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    /// <summary>Until when a sender owns this row (lease), so two instances do not send it at once.</summary>
    public DateTime? LockedUntil { get; set; }
    public List<NudgeItem> Items { get; set; } = [];
}

public enum NudgeOutcome { None = 0, ActedOn = 1, Snoozed = 2, Ignored = 3 }

/// <summary>One deal or account listed in a nudge; drives the re-nudge interval, escalation and `nudge stats`.</summary>
public sealed class NudgeItem
{
    public int Id { get; set; }
    public int DeliveryId { get; set; }
    public int UserId { get; set; }
    public int? OpportunityId { get; set; }
    public int? AccountId { get; set; }
    /// <summary>"stale", "neglected" or "closing".</summary>
    public required string Reason { get; set; }
    public DateTime NudgedAt { get; set; }
    public NudgeOutcome Outcome { get; set; }
    public DateTime? OutcomeAt { get; set; }
}

public sealed class Snooze
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public int? OpportunityId { get; set; }
    public int? AccountId { get; set; }
    /// <summary>Not nudged before this instant (UTC).</summary>
    public DateTime Until { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Inbound events already handled (Slack event_id, envelope ids), shared by every instance.</summary>
public sealed class ProcessedEvent
{
    public required string Key { get; set; }
    public DateTime ReceivedAt { get; set; }
}

/// <summary>Admin-set defaults (nudge time, thresholds…), key/value so they change without a migration.</summary>
public sealed class BotSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
