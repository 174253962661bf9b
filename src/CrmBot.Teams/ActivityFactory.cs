using System.Text.Json.Nodes;
using CrmBot.Core.Data;
using CrmBot.Teams.Cards;

namespace CrmBot.Teams;

/// <summary>Outbound activities (BB ActivityEx.CreateReply / ApplyConversationReference): bot and user swapped, same conversation.</summary>
public static class ActivityFactory
{
    public static Attachment CardAttachment(JsonObject card) => new() { ContentType = Attachment.AdaptiveCardType, Content = card };

    /// <summary>A card answering <paramref name="inbound"/> in its conversation (its thread, in a channel).</summary>
    public static Activity CardReply(Activity inbound, JsonObject card)
    {
        var reply = MessageReply(inbound);
        reply.Attachments = [CardAttachment(SubmitFallback.IsNeededFor(inbound.ChannelId) ? SubmitFallback.Apply(card) : card)];
        return reply;
    }

    /// <summary>A short text answering <paramref name="inbound"/> (a late "try again" to a card action).</summary>
    public static Activity TextReply(Activity inbound, string text)
    {
        var reply = MessageReply(inbound);
        reply.Text = text;
        return reply;
    }

    private static Activity MessageReply(Activity inbound) => new()
    {
        Type = "message",
        From = inbound.Recipient,
        Recipient = inbound.From,
        Conversation = new ConversationAccount { Id = inbound.Conversation?.Id },
        ChannelId = inbound.ChannelId,
        ServiceUrl = inbound.ServiceUrl,
        ReplyToId = inbound.Id,
        Locale = inbound.Locale,
    };

    /// <summary>"Working on it" while a report runs.</summary>
    public static Activity Typing(Activity inbound) => new()
    {
        Type = "typing",
        From = inbound.Recipient,
        Recipient = inbound.From,
        Conversation = new ConversationAccount { Id = inbound.Conversation?.Id },
        ChannelId = inbound.ChannelId,
        ServiceUrl = inbound.ServiceUrl,
    };

    /// <summary>A card sent on the bot's own initiative to a stored conversation; Teams wants the tenant on proactive sends.</summary>
    public static Activity Proactive(ConversationRef conversation, string conversationId, JsonObject card) => new()
    {
        Type = "message",
        From = conversation.BotId is null ? null : new ChannelAccount { Id = conversation.BotId },
        Recipient = conversation.PlatformUserId is null ? null : new ChannelAccount { Id = conversation.PlatformUserId },
        Conversation = new ConversationAccount { Id = conversationId },
        ChannelId = conversation.ChannelId,
        ServiceUrl = conversation.ServiceUrl,
        Attachments = [CardAttachment(card)],
        ChannelData = TenantChannelData(conversation.Workspace),
    };

    public static JsonObject TenantChannelData(string tenantId) => new() { ["tenant"] = new JsonObject { ["id"] = tenantId } };
}
