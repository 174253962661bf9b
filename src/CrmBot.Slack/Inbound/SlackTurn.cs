using CrmBot.Core.Chat;

namespace CrmBot.Slack.Inbound;

public enum SlackTurnSource { SlashCommand, Event, BlockAction, ViewSubmission }

/// <summary>
/// One acknowledged Slack request waiting to be answered: who asked where, what (text or a button's
/// <see cref="CardAction"/>), and how to answer (response_url, the clicked message, a thread).
/// </summary>
public sealed record SlackTurn
{
    public required SlackTurnSource Source { get; init; }
    /// <summary>The event's key to claim across instances before answering (events only; Slack retries them).</summary>
    public string? ClaimKey { get; init; }
    public required string TeamId { get; init; }
    public required string UserId { get; init; }
    /// <summary>Where the request came from; null for a modal opened without a channel.</summary>
    public string? ChannelId { get; init; }
    /// <summary>A DM with the bot (channel D…): everything may be posted there.</summary>
    public bool IsDirect { get; init; }
    public string? Text { get; init; }
    public CardAction? Action { get; init; }
    /// <summary>The clicked button's label: the title of the form it opens, if any.</summary>
    public string? ActionLabel { get; init; }
    public string? ResponseUrl { get; init; }
    /// <summary>The message a button was clicked on, for replacing it.</summary>
    public string? MessageTs { get; init; }
    public bool MessageIsEphemeral { get; init; }
    /// <summary>The clicked message's blocks as Slack sent them, to mark the clicked item done in place.</summary>
    public System.Text.Json.Nodes.JsonArray? MessageBlocks { get; init; }
    public string? ThreadTs { get; init; }
    /// <summary>Opens a modal; single-use, valid 3 s after the click.</summary>
    public string? TriggerId { get; init; }

    public ChatContext ToChatContext() => new(Core.Data.ChatPlatform.Slack, TeamId, ChannelId ?? "", UserId, IsDirect);
}
