using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CrmBot.Teams.Cards;

/// <summary>
/// The card templates of cards/, embedded in this assembly (see CrmBot.Teams.csproj), parsed once (and compiled once by
/// the <see cref="Templating.TemplateExpander"/>).
/// </summary>
public static class CardTemplates
{
    private static readonly ConcurrentDictionary<string, JsonNode> Cache = new();

    public static JsonNode Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = typeof(CardTemplates).Assembly.GetManifestResourceStream("cards." + n + ".json")
            ?? throw new InvalidOperationException($"Card template cards/{n}.json is not embedded");
        return JsonNode.Parse(stream) ?? throw new InvalidOperationException($"cards/{n}.json is empty");
    });
}
