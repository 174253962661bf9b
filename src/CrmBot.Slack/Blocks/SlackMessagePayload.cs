using System.Text.Json.Nodes;

namespace CrmBot.Slack.Blocks;

public static class SlackMessagePayload
{
    /// <summary>The message body shared by chat.postMessage, chat.update and response_url: text (the fallback) and blocks.</summary>
    public static JsonObject ToJson(this SlackMessage message) => new()
    {
        ["text"] = message.Text,
        ["blocks"] = message.Blocks.DeepClone(),
    };
}
