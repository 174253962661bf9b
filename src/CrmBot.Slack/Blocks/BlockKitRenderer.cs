using System.Text.Json.Nodes;
using CrmBot.Core.Chat;

namespace CrmBot.Slack.Blocks;

/// <summary>A Slack message built from a neutral reply: fallback text and Block Kit blocks.</summary>
public sealed record SlackMessage(string Text, JsonArray Blocks);

/// <summary>Turns a neutral <see cref="Reply"/> into Block Kit within Slack's limits.</summary>
public sealed class BlockKitRenderer
{
    // Placeholder until the Block Kit renderer lands: header and text only.
    public SlackMessage Render(Reply reply) => new(
        reply.Title,
        new JsonArray(
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = reply.Title } },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = reply.Text ?? reply.Report?.Context ?? reply.Title } }));
}
