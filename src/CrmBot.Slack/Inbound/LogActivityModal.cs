using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;

namespace CrmBot.Slack.Inbound;

/// <summary>
/// The "log a call / email" modal: a Log button without notes opens it (views.open), and its
/// view_submission comes back as the same <see cref="CardVerbs.LogActivity"/> action with the notes.
/// The button's data, the channel, the clicked message and the language ride in private_metadata (≤ 3000 chars).
/// </summary>
public static class LogActivityModal
{
    public const string CallbackId = "logActivity";
    public const string NotesBlockId = "notes";
    public const string NotesActionId = "notes";

    /// <summary>
    /// Where the modal was opened from, so the confirmation goes back there: into the clicked message
    /// (<paramref name="MessageTs"/>, null when it cannot be updated) or as a new one.
    /// </summary>
    public sealed record Origin(string? ChannelId, bool IsDirect, string Language, IReadOnlyDictionary<string, string> Data,
        string? MessageTs = null);

    public static JsonObject Build(Origin origin)
    {
        var language = origin.Language;
        var type = origin.Data.GetValueOrDefault("type", "call");
        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = CallbackId,
            ["private_metadata"] = JsonSerializer.Serialize(origin),
            ["title"] = PlainText(SlackTexts.ModalTitle(language, type)),
            ["submit"] = PlainText(SlackTexts.Save(language)),
            ["close"] = PlainText(SlackTexts.Cancel(language)),
            ["blocks"] = new JsonArray(new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = NotesBlockId,
                ["label"] = PlainText(SlackTexts.NotesLabel(language)),
                ["element"] = new JsonObject
                {
                    ["type"] = "plain_text_input",
                    ["action_id"] = NotesActionId,
                    ["multiline"] = true,
                    ["max_length"] = 4000,
                },
            }),
        };
    }

    /// <summary>The origin and the typed notes of a submitted modal; null when it is not ours or is malformed.</summary>
    public static (Origin Origin, string Notes)? Read(JsonObject view)
    {
        if (Str(view, "callback_id") != CallbackId) return null;
        Origin? origin;
        try { origin = JsonSerializer.Deserialize<Origin>(Str(view, "private_metadata") ?? ""); }
        catch (JsonException) { return null; }
        // The metadata comes back from the client: every part of it is checked before use.
        if (origin?.Language is null || origin.Data is null || origin.Data.Any(d => d.Value is null)) return null;
        var notes = Str(Child(Child(Child(Child(view, "state"), "values"), NotesBlockId), NotesActionId), "value") ?? "";
        return (origin, notes.Trim());
    }

    private static JsonNode? Child(JsonNode? node, string name) => node is JsonObject o ? o[name] : null;

    private static string? Str(JsonNode? node, string name) =>
        Child(node, name) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
