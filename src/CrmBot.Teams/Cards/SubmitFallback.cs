using System.Text.Json.Nodes;

namespace CrmBot.Teams.Cards;

/// <summary>
/// Web Chat (4.18) acts only on Action.Submit and Action.OpenUrl; it logs "unknown action" for Action.Execute
/// although its Adaptive Cards renderer draws the button, so the fallback is never used. For the Emulator /
/// Web Chat channel every Action.Execute is replaced by its Action.Submit fallback, which the handler reads.
/// </summary>
public static class SubmitFallback
{
    /// <summary>Channels whose client is Web Chat (offline-directline and the Emulator say "emulator").</summary>
    public static bool IsNeededFor(string? channelId) => channelId is "emulator" or "webchat" or "directline";

    /// <summary>A copy of <paramref name="card"/> with each Action.Execute that has a fallback replaced by it.</summary>
    public static JsonObject Apply(JsonObject card) => (JsonObject)Replace(card.DeepClone());

    private static JsonNode Replace(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o when (string?)o["type"] == "Action.Execute" && o["fallback"] is JsonObject fallback:
                return Replace(fallback.DeepClone());
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                    if (o[key] is { } child && Replace(child) is var replaced && !ReferenceEquals(replaced, child))
                        o[key] = replaced;
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (a[i] is { } item && Replace(item) is var replaced && !ReferenceEquals(replaced, item))
                        a[i] = replaced;
                return a;
            default:
                return node;
        }
    }
}
