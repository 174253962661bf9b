using System.Text.Json.Nodes;
using CrmBot.Core.Chat;

namespace CrmBot.Teams.Cards;

/// <summary>Turns a neutral <see cref="Reply"/> into an Adaptive Card 1.5 (the attachment content).</summary>
public sealed class AdaptiveCardRenderer
{
    // Placeholder until the card templates land: title and text only.
    public JsonObject Render(Reply reply) => new()
    {
        ["type"] = "AdaptiveCard",
        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
        ["version"] = "1.5",
        ["body"] = new JsonArray(
            new JsonObject { ["type"] = "TextBlock", ["text"] = reply.Title, ["weight"] = "Bolder", ["wrap"] = true },
            new JsonObject { ["type"] = "TextBlock", ["text"] = reply.Text ?? reply.Report?.Context ?? "", ["wrap"] = true }),
    };
}
