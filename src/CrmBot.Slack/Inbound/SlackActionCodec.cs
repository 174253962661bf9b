using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;

namespace CrmBot.Slack.Inbound;

/// <summary>
/// How a neutral button travels through Slack: action_id = the verb (with ":index" to keep ids unique
/// within a block), value = compact JSON of the action's data (≤ 2000 chars). Both ways live here so
/// the renderer and the interaction handler cannot drift apart.
/// </summary>
public static class SlackActionCodec
{
    // Unescaped non-ASCII keeps zh-TW data within Slack's 2,000-character value limit.
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ActionId(string verb, int index) => $"{verb}:{index}";

    public static string Value(IReadOnlyDictionary<string, string> data) =>
        JsonSerializer.Serialize(data, CompactJson);

    /// <summary>The verb of an action_id ("snooze:2" → "snooze").</summary>
    public static string VerbOf(string actionId) =>
        actionId.IndexOf(':') is var colon and >= 0 ? actionId[..colon] : actionId;

    /// <summary>The card action behind a Slack action, or null for link buttons (they carry no value) and unknown shapes.</summary>
    public static CardAction? Decode(string? actionId, string? value)
    {
        if (string.IsNullOrWhiteSpace(actionId) || string.IsNullOrWhiteSpace(value)) return null;
        var verb = VerbOf(actionId);
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (JsonNode.Parse(value) is not JsonObject json) return null;
            foreach (var (key, node) in json)
                if (node is not null)
                    data[key] = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
        }
        catch (JsonException)
        {
            return null;
        }
        return new CardAction(verb, data);
    }
}
