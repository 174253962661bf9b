using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CrmBot.Core.Chat;
using Microsoft.Extensions.Logging;

namespace CrmBot.Slack.Inbound;

/// <summary>
/// Translates Slack payloads (HTTP or Socket Mode: the same JSON) into <see cref="SlackTurn"/>s and
/// queues them, returning at once what Slack must get back within 3 s: the ack body, if any.
/// Nothing here waits for a report.
/// </summary>
public sealed partial class SlackInbound(SlackTurnQueue queue, SlackEventDeduplicator dedupe, ILogger<SlackInbound> log)
{
    /// <summary>A slash command: queued, acked with an ephemeral "working on it" (the answer follows via response_url).</summary>
    /// <param name="deliveryId">Socket Mode's envelope id: delivery there is at least once, and a command seen before is
    /// acknowledged again but not run twice.</param>
    public JsonObject HandleCommand(JsonObject command, string? deliveryId = null)
    {
        var text = Str(command, "text")?.Trim() ?? "";
        var language = SlackTexts.LanguageOf(text);
        var claimKey = ClaimKeyOf(deliveryId);
        if (claimKey is not null && !dedupe.TryClaimHere(claimKey))
            return Ephemeral(SlackTexts.Working(language, text.Length == 0 ? "help" : text));
        var channel = Str(command, "channel_id");
        var turn = new SlackTurn
        {
            Source = SlackTurnSource.SlashCommand,
            TeamId = Str(command, "team_id") ?? "",
            UserId = Str(command, "user_id") ?? "",
            ChannelId = channel,
            // A D… channel may be a DM between two people: only the processor, knowing the user's DM
            // with the bot, may treat it as private to the asker.
            IsDirect = false,
            Text = text.Length == 0 ? "help" : text,
            ResponseUrl = Str(command, "response_url"),
            TriggerId = Str(command, "trigger_id"),
            ClaimKey = claimKey,
        };
        if (turn.UserId.Length == 0) return Ephemeral(SlackTexts.Failed(language).Text!);
        return queue.TryEnqueue(turn)
            ? Ephemeral(SlackTexts.Working(language, turn.Text))
            : Ephemeral(SlackTexts.Busy(language));
    }

    /// <summary>An Events API envelope: the ack (the url_verification challenge as its body), or Busy.</summary>
    public SlackAck HandleEvent(JsonObject envelope)
    {
        switch (Str(envelope, "type"))
        {
            case "url_verification":
                return new SlackAck(new JsonObject { ["challenge"] = Str(envelope, "challenge") ?? "" });
            case "event_callback":
                break;
            default:
                return SlackAck.Empty;
        }
        if (envelope["event"] is not JsonObject e) return SlackAck.Empty;
        var botUserId = BotUserId(envelope);
        var turn = ToTurn(envelope, e, botUserId);
        if (turn is null) return SlackAck.Empty;

        // Slack retries anything not acked in 3 s and delivers at least once: answer each event_id once.
        // Here only this instance's memory is asked; the worker asks every instance (the database) before answering.
        var eventId = Str(envelope, "event_id");
        var claimKey = eventId is null ? null : SlackEventDeduplicator.KeyPrefix + "event:" + eventId;
        if (claimKey is not null && !dedupe.TryClaimHere(claimKey))
        {
            log.LogInformation("Slack event {EventId} already handled; ignoring the retry", eventId);
            return SlackAck.Empty;
        }
        return Enqueue([turn with { ClaimKey = claimKey }], claimKey);
    }

    /// <summary>An interactivity payload (block_actions, view_submission): the ack (its body, if any), or Busy.</summary>
    /// <param name="deliveryId">Socket Mode's envelope id: a click or a form delivered again is acknowledged, not acted on
    /// twice (it would log the same call twice).</param>
    public SlackAck HandleInteraction(JsonObject payload, string? deliveryId = null)
    {
        var claimKey = ClaimKeyOf(deliveryId);
        bool Redelivered()
        {
            if (claimKey is null || dedupe.TryClaimHere(claimKey)) return false;
            log.LogInformation("Slack envelope {EnvelopeId} already handled; ignoring the redelivery", deliveryId);
            return true;
        }
        var teamId = Str(payload["team"], "id") ?? Str(payload["user"], "team_id") ?? "";
        var userId = Str(payload["user"], "id") ?? "";
        switch (Str(payload, "type"))
        {
            case "block_actions":
                if (Redelivered()) return SlackAck.Empty;
                var clicked = new List<SlackTurn>();
                var typed = FormState(payload);
                foreach (var action in (payload["actions"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var cardAction = SlackActionCodec.Decode(Str(action, "action_id"), ActionValue(action));
                    if (cardAction is null) continue; // a link button: Slack still wants the ack, nothing to do
                    if (typed.Count > 0)
                    {
                        var withTyped = new Dictionary<string, string>(cardAction.Data, StringComparer.Ordinal);
                        foreach (var (id, value) in typed) withTyped[id] = value;
                        cardAction = cardAction with { Data = withTyped };
                    }
                    var channel = Str(payload["channel"], "id") ?? Str(payload["container"], "channel_id");
                    clicked.Add(new SlackTurn
                    {
                        ClaimKey = claimKey is null ? null : clicked.Count == 0 ? claimKey : $"{claimKey}:{clicked.Count}",
                        Source = SlackTurnSource.BlockAction,
                        TeamId = teamId,
                        UserId = userId,
                        ChannelId = channel,
                        IsDirect = false, // decided by the processor, as for slash commands
                        Action = cardAction,
                        ActionLabel = Str(action["text"], "text"),
                        ResponseUrl = Str(payload, "response_url"),
                        MessageTs = Str(payload["container"], "message_ts") ?? Str(payload["message"], "ts"),
                        MessageIsEphemeral = (payload["container"] as JsonObject)?["is_ephemeral"]?.GetValueKind() == JsonValueKind.True,
                        MessageBlocks = (payload["message"] as JsonObject)?["blocks"]?.DeepClone() as JsonArray,
                        ThreadTs = Str(payload["message"], "thread_ts"),
                        TriggerId = Str(payload, "trigger_id"),
                    });
                }
                return Enqueue(clicked, claimKey);
            case "view_submission":
                if (payload["view"] is not JsonObject view || ActionFormModal.Read(view) is not { } submitted) return SlackAck.Empty;
                var origin = submitted.Origin;
                if (submitted.MissingRequired.Count > 0)
                    return new SlackAck(new JsonObject
                    {
                        ["response_action"] = "errors",
                        ["errors"] = new JsonObject([.. submitted.MissingRequired.Select(id =>
                            new KeyValuePair<string, JsonNode?>(id, SlackTexts.Required(origin.Language)))]),
                    });
                if (Redelivered()) return SlackAck.Empty;   // its first delivery was valid: it closed the modal
                var data = new Dictionary<string, string>(origin.Data, StringComparer.Ordinal);
                foreach (var (id, value) in submitted.Values) data[id] = value;
                return Enqueue([new SlackTurn
                {
                    ClaimKey = claimKey,
                    Source = SlackTurnSource.ViewSubmission,
                    TeamId = teamId,
                    UserId = userId,
                    ChannelId = origin.ChannelId,
                    IsDirect = origin.IsDirect,
                    MessageTs = origin.MessageTs,
                    Action = new CardAction(origin.Verb, data),
                }], claimKey);   // an empty 200 closes the modal
            default:
                return SlackAck.Empty;
        }
    }

    /// <summary>app_mention anywhere, or a user's message in a DM with the bot; everything else is ignored.</summary>
    private static SlackTurn? ToTurn(JsonObject envelope, JsonObject e, string? botUserId)
    {
        var type = Str(e, "type");
        var user = Str(e, "user");
        // Bots (ourselves included: our DM replies echo back as message.im), edits, joins…: not questions.
        if (user is null || Str(e, "subtype") is not null || e["bot_id"] is not null || user == botUserId) return null;
        var isDirect = type == "message" && Str(e, "channel_type") == "im";
        if (type != "app_mention" && !isDirect) return null;
        var text = StripBotMention(Str(e, "text") ?? "", botUserId);
        return new SlackTurn
        {
            Source = SlackTurnSource.Event,
            TeamId = Str(e, "team") ?? Str(envelope, "team_id") ?? "",
            UserId = user,
            ChannelId = Str(e, "channel"),
            IsDirect = isDirect,
            Text = text.Length == 0 ? "help" : text,
            ThreadTs = Str(e, "thread_ts"),
        };
    }

    /// <summary>Removes the mention of the bot itself; other people's mentions stay for the parser ("stale deals for @ann").</summary>
    public static string StripBotMention(string text, string? botUserId)
    {
        if (botUserId is not null)
            text = text.Replace($"<@{botUserId}>", " ", StringComparison.Ordinal);
        text = botUserId is null ? text : BotMentionWithLabel().Replace(text, m => m.Groups[1].Value == botUserId ? " " : m.Value);
        return Whitespace().Replace(text, " ").Trim();
    }

    // For a bot install, the authorization's user_id is the bot user (the one app_mention text mentions).
    private static string? BotUserId(JsonObject envelope) =>
        (envelope["authorizations"] as JsonArray)?.OfType<JsonObject>()
            .Where(a => a["is_bot"]?.GetValueKind() == JsonValueKind.True)
            .Select(a => Str(a, "user_id")).FirstOrDefault(id => id is not null);

    /// <summary>
    /// What the message's input blocks hold when a button is pressed (a form in a message, such as the settings): its
    /// state, by input id (block and action ids are the input's id). The button's own data is sent along; typed values win.
    /// </summary>
    private static Dictionary<string, string> FormState(JsonObject payload)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (payload["state"]?["values"] is not JsonObject blocks) return values;
        foreach (var (_, block) in blocks)
            foreach (var (id, element) in block as JsonObject ?? [])
            {
                var value = Str(element, "type") switch
                {
                    "timepicker" => Str(element, "selected_time"),
                    "datepicker" => Str(element, "selected_date"),
                    "static_select" => Str(element?["selected_option"], "value"),
                    "checkboxes" => element?["selected_options"] is JsonArray { Count: > 0 } ? "true" : "false",
                    _ => Str(element, "value"),
                };
                if (value is not null) values[id] = value;
            }
        return values;
    }

    private static string? ActionValue(JsonObject action) =>
        Str(action, "value") ?? Str(action["selected_option"], "value");

    private static string? ClaimKeyOf(string? deliveryId) =>
        deliveryId is null ? null : SlackEventDeduplicator.KeyPrefix + "envelope:" + deliveryId;

    /// <summary>
    /// Queues the turns; when the queue is full, Busy, and the delivery's claim is let go: Slack then retries an event, and
    /// shows a click or a form as failed (the user may try again) instead of it vanishing behind a 200.
    /// </summary>
    private SlackAck Enqueue(IReadOnlyList<SlackTurn> turns, string? claimKey)
    {
        foreach (var turn in turns)
        {
            if (queue.TryEnqueue(turn)) continue;
            log.LogWarning("Slack queue is full; refusing a {Source} from {User} for Slack to retry", turn.Source, turn.UserId);
            if (claimKey is not null) dedupe.ReleaseHere(claimKey);
            return SlackAck.Busy;
        }
        return SlackAck.Empty;
    }

    private static JsonObject Ephemeral(string text) => new() { ["response_type"] = "ephemeral", ["text"] = text };

    private static string? Str(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    [GeneratedRegex(@"<@([A-Z0-9]+)\|[^>]*>")]
    private static partial Regex BotMentionWithLabel();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>
/// What Slack gets back for a delivery: the ack's body, if any; or Busy (the queue is full): HTTP 503 and, over Socket
/// Mode, no ack, so that Slack delivers it again rather than the bot dropping it.
/// </summary>
public readonly record struct SlackAck(JsonObject? Body, bool IsBusy = false)
{
    public static readonly SlackAck Empty = new(null);
    public static readonly SlackAck Busy = new(null, IsBusy: true);
}
