using CrmBot.Core.Data;
using CrmBot.Core.Reports;

namespace CrmBot.Core.Chat;

// The neutral chat turn: channels translate their payloads into these at the edge and render the
// Reply back into an Adaptive Card or Block Kit. Nothing here knows a wire format.

/// <summary>
/// The CRM user behind a chat message, with what the permission rules need and their own settings
/// (<paramref name="StaleThresholdDays"/>: null for the default).
/// </summary>
public sealed record Asker(
    int UserId, string Name, string Email, UserRole Role, int? TeamId, IReadOnlyList<int> ManagedTeamIds,
    string TimeZone, string Language, int? StaleThresholdDays);

/// <summary>Where a message came from. <see cref="IsPersonal"/>: a 1:1 chat with the bot (DM), not a channel or group.</summary>
public sealed record ChatContext(ChatPlatform Platform, string Workspace, string ConversationId, string PlatformUserId, bool IsPersonal)
{
    /// <summary>Locale the client reported (Teams activity.locale), if any.</summary>
    public string? ClientLocale { get; init; }
}

/// <summary>A card button or form submission: a verb from <see cref="CardVerbs"/> and its data (inputs merged in).</summary>
public sealed record CardAction(string Verb, IReadOnlyDictionary<string, string> Data);

/// <summary>Verbs carried by buttons, shared by both channels' renderers and the engine that handles them.</summary>
public static class CardVerbs
{
    /// <summary>Run the command text in data["command"].</summary>
    public const string Run = "run";
    /// <summary>Next page of a report: data["request"] is the serialised ReportRequest.</summary>
    public const string Page = "page";
    /// <summary>Log an activity: data["type"] (call|email), data["opportunityId"] or data["accountId"], data["notes"].</summary>
    public const string LogActivity = "logActivity";
    /// <summary>Snooze: data["opportunityId"] or data["accountId"], data["days"] or data["until"] (yyyy-MM-dd), data["reason"].</summary>
    public const string Snooze = "snooze";
    /// <summary>Save the settings form: one data entry per setting.</summary>
    public const string SaveSettings = "saveSettings";
}

public enum ReplyKind { Report, Help, Refusal, Error, Confirmation, Choice, Nudge, Settings, NotLinked }

/// <summary>Personal answers typed in a channel go ephemeral (Slack) or to the user only.</summary>
public enum Visibility { Conversation, Private }

public sealed record ReplyButton(string Label, string Verb, IReadOnlyDictionary<string, string> Data)
{
    /// <summary>A link button (open in CRM) instead of an action.</summary>
    public string? Url { get; init; }
    public bool Primary { get; init; }
    /// <summary>Inputs asked for before the action runs (see <see cref="ActionForms"/>); their values join <see cref="Data"/>.</summary>
    public IReadOnlyList<ReplyInput> Form { get; init; } = [];
}

public enum InputKind { Text, MultilineText, Date, Time, Choice, Toggle }

/// <summary>A form field (log-a-call notes, snooze date, settings).</summary>
public sealed record ReplyInput(string Id, string Label, InputKind Kind)
{
    public string? Value { get; init; }
    public string? Placeholder { get; init; }
    public bool Required { get; init; }
    public IReadOnlyList<(string Value, string Label)> Choices { get; init; } = [];
}

public sealed record HelpEntry(string Command, string Description, IReadOnlyList<string> Examples);

/// <summary>What the bot answers. Exactly one of Report / Help / Text carries the body, per <see cref="Kind"/>.</summary>
public sealed record Reply
{
    public required ReplyKind Kind { get; init; }
    public required string Language { get; init; }
    public required string Title { get; init; }
    public string? Text { get; init; }
    public ReportResult? Report { get; init; }
    public IReadOnlyList<HelpEntry> Help { get; init; } = [];
    public IReadOnlyList<ReplyInput> Inputs { get; init; } = [];
    public IReadOnlyList<ReplyButton> Buttons { get; init; } = [];
    public Visibility Visibility { get; init; } = Visibility.Conversation;
}
