using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrmBot.Teams.Cards;

/// <summary>
/// The card templates of cards/, embedded in this assembly (see CrmBot.Teams.csproj), parsed once. Their strings and
/// booleans are then held as plain values: a parsed node reads its text out of the document again (a new string) at
/// every expansion, and clones a document to copy itself; a rep's plan card read about 3,000 of them.
/// </summary>
public static class CardTemplates
{
    private static readonly ConcurrentDictionary<string, JsonNode> Cache = new();

    public static JsonNode Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = typeof(CardTemplates).Assembly.GetManifestResourceStream("cards." + n + ".json")
            ?? throw new InvalidOperationException($"Card template cards/{n}.json is not embedded");
        return Detached(JsonNode.Parse(stream) ?? throw new InvalidOperationException($"cards/{n}.json is empty"))!;
    });

    private static JsonNode? Detached(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Detached(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Detached)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => JsonValue.Create(v.GetValue<bool>()),
        _ => node?.DeepClone(),   // numbers keep their text as written
    };
}
