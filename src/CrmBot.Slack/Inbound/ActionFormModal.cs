using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Slack.Blocks;

namespace CrmBot.Slack.Inbound;

/// <summary>
/// A button that needs a short form first (<see cref="ActionForms"/>: a logged call's notes, a snooze's
/// date) opens it as a modal (views.open); its view_submission comes back as the button's action with
/// the typed values added under the input ids. The action, the channel, the clicked message and the
/// language ride in private_metadata (≤ 3000 chars).
/// </summary>
public static class ActionFormModal
{
    public const string CallbackId = "actionForm";

    /// <summary>
    /// Where the form was opened from and what it completes, so the confirmation goes back there: into
    /// the clicked message (<paramref name="MessageTs"/>, null when it cannot be updated) or as a new one.
    /// </summary>
    public sealed record Origin(string? ChannelId, bool IsDirect, string Language, string Verb,
        IReadOnlyDictionary<string, string> Data, string? MessageTs = null);

    /// <summary>What a submitted form gives back: its origin, the values typed (by input id), and the required inputs left empty.</summary>
    public sealed record Submission(Origin Origin, IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> MissingRequired);

    public static JsonObject Build(Origin origin, string title, IReadOnlyList<ReplyInput> inputs) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = CallbackId,
        ["private_metadata"] = JsonSerializer.Serialize(origin),
        ["title"] = PlainText(title, SlackLimits.ModalTitle),
        ["submit"] = PlainText(ActionForms.SubmitLabel(origin.Language), SlackLimits.ModalTitle),
        ["close"] = PlainText(SlackTexts.Cancel(origin.Language), SlackLimits.ModalTitle),
        ["blocks"] = new JsonArray([.. inputs.Select(Input)]),
    };

    private static JsonObject Input(ReplyInput input)
    {
        var element = input.Kind switch
        {
            InputKind.Date => new JsonObject { ["type"] = "datepicker" },
            InputKind.Time => new JsonObject { ["type"] = "timepicker" },
            _ => new JsonObject
            {
                ["type"] = "plain_text_input",
                ["multiline"] = input.Kind == InputKind.MultilineText,
                ["max_length"] = input.Kind == InputKind.MultilineText ? 3000 : 500,
            },
        };
        element["action_id"] = input.Id;
        if (input.Placeholder is { Length: > 0 } placeholder) element["placeholder"] = PlainText(placeholder, 150);
        return new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = input.Id,
            ["optional"] = !input.Required,
            ["label"] = PlainText(input.Label, 2000),
            ["element"] = element,
        };
    }

    /// <summary>The submission of one of our forms; null when it is not ours or its metadata is malformed.</summary>
    public static Submission? Read(JsonObject view)
    {
        if (Str(view, "callback_id") != CallbackId) return null;
        Origin? origin;
        try { origin = JsonSerializer.Deserialize<Origin>(Str(view, "private_metadata") ?? ""); }
        catch (JsonException) { return null; }
        // The metadata comes back from the client: every part of it is checked before use.
        if (origin?.Language is null || origin.Verb is null || origin.Data is null || origin.Data.Any(d => d.Value is null)) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var input in ActionForms.For(origin.Verb, origin.Data, origin.Language))
        {
            var state = Child(Child(Child(view, "state"), "values"), input.Id) is JsonObject block ? Child(block, input.Id) : null;
            var value = (Str(state, "value") ?? Str(state, "selected_date") ?? Str(state, "selected_time"))?.Trim();
            if (!string.IsNullOrEmpty(value)) values[input.Id] = value;
            else if (input.Required) missing.Add(input.Id);
        }
        return new Submission(origin, values, missing);
    }

    private static JsonNode? Child(JsonNode? node, string name) => node is JsonObject o ? o[name] : null;

    private static string? Str(JsonNode? node, string name) =>
        Child(node, name) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonObject PlainText(string text, int limit) =>
        new() { ["type"] = "plain_text", ["text"] = text.Length <= limit ? text : text[..(limit - 1)] + "…" };
}
