using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CrmBot.Teams;

// The subset of the Bot Framework Activity schema CrmBot reads and writes (protocols.md section 3).
// Unknown fields are ignored; recipient, timestamp and most others may be missing (offline-directline
// sends neither recipient nor timestamp), so everything but type is nullable.

public sealed partial class Activity
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public ChannelAccount? From { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public string? Text { get; set; }
    public string? TextFormat { get; set; }
    public string? Locale { get; set; }
    public string? Name { get; set; }
    /// <summary>installationUpdate: add | remove | add-upgrade | remove-upgrade.</summary>
    public string? Action { get; set; }
    public string? ReplyToId { get; set; }
    public JsonNode? Value { get; set; }
    public List<Attachment>? Attachments { get; set; }
    public List<JsonObject>? Entities { get; set; }
    public JsonObject? ChannelData { get; set; }
    public List<ChannelAccount>? MembersAdded { get; set; }
    public List<ChannelAccount>? MembersRemoved { get; set; }

    /// <summary>Teams tenant: channelData.tenant.id, else conversation.tenantId.</summary>
    [JsonIgnore]
    public string? TenantId => StringAt(At(ChannelData?["tenant"], "id")) ?? Conversation?.TenantId;

    /// <summary>channelData.team.id, present for activities in a team channel.</summary>
    [JsonIgnore]
    public string? TeamId => StringAt(At(ChannelData?["team"], "id"));

    /// <summary>channelData.channel.id of a team channel.</summary>
    [JsonIgnore]
    public string? TeamsChannelId => StringAt(At(ChannelData?["channel"], "id"));

    /// <summary>A 1:1 chat with the bot. Web Chat and the Emulator send no conversationType: they are 1:1.</summary>
    [JsonIgnore]
    public bool IsPersonal => Conversation?.ConversationType is null or "personal";

    /// <summary>The message text without the @mention of the bot; other mentions become "@Name".</summary>
    public string TextWithoutBotMention()
    {
        var text = Text ?? "";
        foreach (var mention in (Entities ?? []).OfType<JsonObject>()) // a JSON null in the list arrives as null
        {
            if (StringAt(mention["type"]) != "mention" || StringAt(mention["text"]) is not { Length: > 0 } mentionText)
                continue;
            var mentionedId = StringAt(At(mention["mentioned"], "id"));
            var isBot = mentionedId is not null && mentionedId == Recipient?.Id;
            text = text.Replace(mentionText, isBot ? " " : "@" + StripAtTags(mentionText), StringComparison.Ordinal);
        }
        // Without entities (or without a recipient to compare), a leading <at>…</at> is the bot: Teams
        // only delivers channel messages that mention it, and always first in a menu command.
        text = LeadingAtTag().Replace(text, " ");
        text = WebUtility.HtmlDecode(AtTag().Replace(text, m => "@" + m.Groups[1].Value));
        return Whitespace().Replace(text, " ").Trim();
    }

    private static string StripAtTags(string s) => AtTag().Replace(s, m => m.Groups[1].Value);

    /// <summary>node[key] when node is an object, else null: JsonNode's string indexer throws on arrays and values.</summary>
    internal static JsonNode? At(JsonNode? node, string key) => node is JsonObject o ? o[key] : null;

    internal static string? StringAt(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    [GeneratedRegex(@"^\s*<at>[^<]*</at>")]
    private static partial Regex LeadingAtTag();
    [GeneratedRegex(@"<at>([^<]*)</at>")]
    private static partial Regex AtTag();
    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

public sealed class ChannelAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? AadObjectId { get; set; }
    public string? Role { get; set; }
}

public sealed class ConversationAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    /// <summary>personal | groupChat | channel.</summary>
    public string? ConversationType { get; set; }
    public string? TenantId { get; set; }
    public bool? IsGroup { get; set; }
}

public sealed class Attachment
{
    public const string AdaptiveCardType = "application/vnd.microsoft.card.adaptive";
    public string? ContentType { get; set; }
    public JsonNode? Content { get; set; }
}

/// <summary>POST /v3/conversations body.</summary>
public sealed class ConversationParameters
{
    public bool IsGroup { get; set; }
    public ChannelAccount? Bot { get; set; }
    public List<ChannelAccount>? Members { get; set; }
    public string? TenantId { get; set; }
    public Activity? Activity { get; set; }
    public JsonObject? ChannelData { get; set; }
}

/// <summary>Answer of create conversation: the new conversation id, and the first activity id when one was posted.</summary>
public sealed record ConversationResourceResponse(string? Id, string? ActivityId, string? ServiceUrl);

/// <summary>GET member answer (Teams names the Entra id "objectId"); guests and anonymous users may lack an e-mail.</summary>
public sealed record TeamsMember(string? Id, string? Name, string? ObjectId, string? Email, string? UserPrincipalName, string? TenantId)
{
    /// <summary>"user", "guest" or "anonymous" (protocols.md section 3).</summary>
    public string? UserRole { get; init; }

    /// <summary>A guest or anonymous account: never linked to a CRM user by its e-mail (docs/hardening.md).</summary>
    public bool IsGuest => UserRole is "guest" or "anonymous";
}

/// <summary>The wire JSON: camelCase, nulls omitted, unknown fields ignored.</summary>
public static class BotJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Text as its characters, not \uXXXX: Teams limits a message's size, and a Chinese card escaped is about three times
        // the bytes the renderer measured it at. Valid JSON in any JSON body; activities are never put into HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // A repeated key is refused while parsing; JsonObject would otherwise throw when first read.
        AllowDuplicateProperties = false,
    };
}
