using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Slack.Blocks;

namespace CrmBot.Slack.Inbound;

/// <summary>
/// A log or snooze clicked on one item of a list (a nudge, a stale-deals answer): the item's row of
/// buttons becomes the confirmation, in place, so the message says what was done and its other items
/// keep their buttons. Slack sends the clicked message's blocks with a block action; after a modal they
/// are read back with conversations.history.
/// </summary>
public static class ClickedItem
{
    /// <summary>
    /// The blocks with the actions block holding <paramref name="clicked"/> replaced by a context line, or
    /// null when no button in them carries that action (a message changed since, or not ours).
    /// </summary>
    public static JsonArray? MarkDone(JsonArray blocks, CardAction clicked, string confirmation)
    {
        var index = blocks.ToList().FindIndex(b => b is JsonObject block && IsActionsHolding(block, clicked));
        if (index < 0) return null;
        var updated = (JsonArray)blocks.DeepClone();
        updated[index] = new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = "✅ " + Mrkdwn.Escape(confirmation) }),
        };
        return updated;
    }

    /// <summary>
    /// The clicked button is the one whose data the action carries; the action may carry more (the notes
    /// typed in the modal, a date picked in the message).
    /// </summary>
    private static bool IsActionsHolding(JsonObject block, CardAction clicked) =>
        Str(block, "type") == "actions"
        && (block["elements"] as JsonArray ?? []).OfType<JsonObject>().Any(element =>
            SlackActionCodec.Decode(Str(element, "action_id"), Str(element, "value")) is { } button
            && button.Verb == clicked.Verb
            && button.Data.Count > 0
            && button.Data.All(d => clicked.Data.TryGetValue(d.Key, out var value) && value == d.Value));

    private static string? Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
