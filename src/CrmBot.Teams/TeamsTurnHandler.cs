using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Localization;
using CrmBot.Core.Data;
using CrmBot.Teams.Cards;
using CrmBot.Teams.Connector;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams;

/// <summary>What an Action.Execute answers: a replacing card (with its JSON, written into the response as it is), or a message shown to the clicker.</summary>
public sealed record InvokeAnswer(RenderedCard? Card, string? Message);

/// <summary>
/// One Teams turn, translated at the edge: activity → (asker, ChatContext, text or CardAction) → IChatEngine
/// → Reply → Adaptive Card. Messages are answered through the connector (from a background worker);
/// Action.Execute invokes return their card to the caller, which writes it into the HTTP response.
/// </summary>
public sealed class TeamsTurnHandler(
    IServiceProvider services, CrmDbContext db, ConnectorClient connector, AdaptiveCardRenderer renderer,
    IOptions<TeamsOptions> options, TimeProvider time, ILogger<TeamsTurnHandler> log)
{
    // Teams shows "typing…" for about 3 s; repeat it while a slow report runs.
    private static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(3);

    // The engine and the identity linker are registered by the host (another part of CrmBot).
    private IChatEngine Engine => services.GetRequiredService<IChatEngine>();
    private IIdentityLinker Linker => services.GetRequiredService<IIdentityLinker>();

    /// <summary>message, conversationUpdate and installationUpdate; other types are ignored.</summary>
    public async Task HandleAsync(Activity activity, CancellationToken ct)
    {
        switch (activity.Type)
        {
            case "message":
                await OnMessageAsync(activity, ct);
                break;
            case "conversationUpdate" or "installationUpdate":
                // Install in a team, a group chat or a personal scope: remember where we can post.
                if (activity.Action is not ("remove" or "remove-upgrade"))
                    await ConversationReferences.SaveAsync(db, activity, null, time.GetUtcNow().UtcDateTime, ct);
                break;
        }
    }

    /// <summary>
    /// Action.Execute (invoke adaptiveCard/action): the card that replaces the clicked one, or, for a private
    /// answer to a button in a shared conversation, a short message (the card stays; the answer goes to the 1:1 chat).
    /// </summary>
    public async Task<InvokeAnswer> HandleCardActionAsync(Activity activity, CardAction action, CancellationToken ct)
    {
        try
        {
            var (asker, email, guest) = await BeginTurnAsync(activity, ct);
            if (asker is null)
                return new InvokeAnswer(renderer.RenderWithJson(Texts.NotLinked(LanguageOf(activity, action), email, guest)), null);
            var reply = await RunEngineAsync(activity, asker, null, action, ct);
            if (reply.Kind == ReplyKind.Error)
                return new InvokeAnswer(null, reply.Text); // the card (and what was typed in it) stays
            if (reply.Visibility == Visibility.Private && !activity.IsPersonal && await SentPrivatelyAsync(asker, reply, ct))
                return new InvokeAnswer(null, Texts.SentPrivately(reply.Language).Text);
            return new InvokeAnswer(renderer.RenderWithJson(reply), null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The database or the linker failed before the engine ran: a polite message; the card stays.
            log.LogError(e, "A Teams card action {Verb} failed in conversation {Conversation}", action.Verb, activity.Conversation?.Id);
            return new InvokeAnswer(null, Texts.Error(LanguageOf(activity, action)).Text);
        }
    }

    /// <summary>The data of an Action.Execute, or null when the invoke value is malformed.</summary>
    public static CardAction? ReadInvokeAction(Activity activity)
    {
        var action = Activity.At(activity.Value, "action") as JsonObject;
        var verb = Activity.StringAt(action?["verb"]);
        return verb is null ? null : new CardAction(verb, CardForms.Unwrap(Flatten(action?["data"] as JsonObject)));
    }

    private async Task OnMessageAsync(Activity activity, CancellationToken ct)
    {
        if (activity.Conversation?.Id is null || activity.ServiceUrl is null)
        {
            log.LogWarning("Ignoring a message without conversation or serviceUrl");
            return;
        }
        // Action.Submit comes back as a message with a value and no text.
        var isSubmit = activity.Value is JsonObject && string.IsNullOrWhiteSpace(activity.Text);
        var action = isSubmit ? ReadSubmitAction((JsonObject)activity.Value!) : null;
        var text = activity.TextWithoutBotMention();
        if (!isSubmit && text.Length == 0)
            return;

        Reply reply;
        try
        {
            reply = await AnswerAsync(activity, isSubmit ? null : text, action, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Whatever broke (database, linker, engine), the user gets a polite answer, not silence.
            log.LogError(e, "A Teams turn failed in conversation {Conversation}", activity.Conversation.Id);
            reply = Texts.Error(LanguageOf(activity, action));
        }

        var card = renderer.Render(reply);
        // An error never replaces the submitted card: the form, with what the user typed, stays to be sent again.
        if (isSubmit && reply.Kind != ReplyKind.Error && activity.ReplyToId is not null && await TryReplaceCardAsync(activity, card, ct))
            return;
        await connector.ReplyToActivityAsync(activity.ServiceUrl, activity.Conversation.Id, activity.Id ?? "", ActivityFactory.CardReply(activity, card), ct);
    }

    private async Task<Reply> AnswerAsync(Activity activity, string? text, CardAction? action, CancellationToken ct)
    {
        var (asker, email, guest) = await BeginTurnAsync(activity, ct);
        if (asker is null)
            return Texts.NotLinked(LanguageOf(activity, action), email, guest);

        // The first indicator is sent before the work so it always precedes the answer; then it is renewed.
        await SendTypingAsync(activity, ct);
        using var typing = new CancellationTokenSource();
        var typingLoop = KeepTypingAsync(activity, typing.Token);
        Reply reply;
        try
        {
            reply = await RunEngineAsync(activity, asker, text, action, ct);
        }
        finally
        {
            await typing.CancelAsync();
            await typingLoop;
        }
        return reply.Visibility == Visibility.Private && !activity.IsPersonal && await SentPrivatelyAsync(asker, reply, ct)
            ? Texts.SentPrivately(reply.Language)
            : reply;
    }

    /// <summary>Stores the conversation and finds the CRM user (linking by e-mail from the members API on first contact).</summary>
    private async Task<(Asker? Asker, string? Email, bool Guest)> BeginTurnAsync(Activity activity, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        string? email = null;
        var guest = false;
        Asker? asker = null;
        // One connection for the identity and conversation reads: opening and closing one costs about what such a read does.
        // Closed before the engine, which may wait at the turn gate: a waiting turn must not hold a pooled connection.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (activity.From?.Id is { Length: > 0 } fromId)
            {
                asker = await Linker.ResolveAsync(ChatPlatform.Teams, ConversationReferences.Workspace(activity), fromId,
                    activity.From.AadObjectId, async lookupCt =>
                    {
                        // Not held across the members API (up to its timeout, on every turn of someone not linked).
                        await db.Database.CloseConnectionAsync();
                        var member = await LookUpMemberAsync(activity, fromId, lookupCt);
                        guest = member is { IsGuest: true };
                        // An outsider's e-mail may match a CRM user's: only an admin links a guest (`crmbot link`), see docs/hardening.md.
                        return guest ? null : email = member?.Email ?? (member?.UserPrincipalName?.Contains('@') == true ? member.UserPrincipalName : null);
                    }, ct);
            }
            await ConversationReferences.SaveAsync(db, activity, asker?.UserId, now, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return (asker, email, guest);
    }

    private async Task<TeamsMember?> LookUpMemberAsync(Activity activity, string userId, CancellationToken ct)
    {
        // In a team the roster is the team's (BB TeamsInfo.GetMemberAsync); elsewhere the conversation's.
        var conversationId = activity.TeamId ?? activity.Conversation?.Id;
        if (conversationId is null || activity.ServiceUrl is null)
            return null;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(options.Value.MemberLookupTimeout);
        try
        {
            return await connector.GetMemberAsync(activity.ServiceUrl, conversationId, userId, bounded.Token);
        }
        catch (Exception e) when (e is ConnectorException or HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Could not read the e-mail of Teams user {UserId}", userId);
            return null;
        }
    }

    private Task<Reply> RunEngineAsync(Activity activity, Asker asker, string? text, CardAction? action, CancellationToken ct)
    {
        var context = new ChatContext(ChatPlatform.Teams, ConversationReferences.Workspace(activity), activity.Conversation?.Id ?? "",
            activity.From?.Id ?? "", activity.IsPersonal) { ClientLocale = activity.Locale };
        return text is not null
            ? Engine.HandleTextAsync(asker, context, text, ct)
            : Engine.HandleActionAsync(asker, context, action ?? UnverbedSubmit, ct);
    }

    private async Task KeepTypingAsync(Activity activity, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TypingInterval, time, ct);
                await SendTypingAsync(activity, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The answer is ready.
        }
    }

    /// <summary>How long a typing indicator may take before the turn goes on without it.</summary>
    private static readonly TimeSpan TypingTimeout = TimeSpan.FromSeconds(5);

    private async Task SendTypingAsync(Activity activity, CancellationToken ct)
    {
        try
        {
            await connector.SendTypingAsync(activity.ServiceUrl!, activity.Conversation!.Id!, ActivityFactory.Typing(activity), TypingTimeout, ct);
        }
        catch (Exception e) when (e is ConnectorException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            log.LogDebug(e, "Typing indicator not delivered"); // harmless: the answer is what matters
        }
    }

    /// <summary>Replaces the card whose Action.Submit was pressed; false when the channel cannot (offline-directline: 404).</summary>
    private async Task<bool> TryReplaceCardAsync(Activity activity, JsonObject card, CancellationToken ct)
    {
        var update = ActivityFactory.CardReply(activity, card);
        update.Id = activity.ReplyToId;
        update.ReplyToId = null;
        try
        {
            await connector.UpdateActivityAsync(activity.ServiceUrl!, activity.Conversation!.Id!, activity.ReplyToId!, update, ct);
            return true;
        }
        catch (ConnectorException e) when (e.StatusCode is 400 or 403 or 404 or 405)
        {
            log.LogInformation("Could not update card {ActivityId} ({Status}); answering with a new message", activity.ReplyToId, e.StatusCode);
            return false;
        }
    }

    private async Task<bool> SentPrivatelyAsync(Asker asker, Reply reply, CancellationToken ct)
    {
        var sender = services.GetServices<IProactiveSender>().FirstOrDefault(s => s.Platform == ChatPlatform.Teams);
        return sender is not null && (await sender.SendToUserAsync(asker.UserId, reply, ct)).Status == SendStatus.Sent;
    }

    // A submit without a verb (an old or foreign card): the engine answers an unknown verb politely.
    private static readonly CardAction UnverbedSubmit = new("", new Dictionary<string, string>());

    /// <summary>Action.Submit data: { verb, …data, …inputs } (plus Teams' own "msteams" entry, not ours).</summary>
    private static CardAction? ReadSubmitAction(JsonObject value) =>
        Activity.StringAt(value["verb"]) is { } verb ? new CardAction(verb, CardForms.Unwrap(Flatten(value))) : null;

    private static Dictionary<string, string> Flatten(JsonObject? data)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, node) in data ?? [])
        {
            if (key is "verb" or "msteams" || node is null)
                continue;
            flat[key] = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();
        }
        return flat;
    }

    /// <summary>
    /// The language of the channel's own replies (not linked, failed): a button's reply language; else what was typed, read
    /// as the parser reads it; else the client's locale.
    /// </summary>
    private static string LanguageOf(Activity activity, CardAction? action)
    {
        var locale = activity.Locale?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true ? Formats.TraditionalChinese : Formats.English;
        return action is not null ? ReplyButtons.LanguageOf(action, locale)
            : CommandParser.LanguageOf(activity.TextWithoutBotMention()) ?? locale;
    }

    /// <summary>The few replies the channel itself makes, in both languages.</summary>
    private static class Texts
    {
        public static Reply NotLinked(string lang, string? email, bool guest) => guest
            ? new Reply
            {
                Kind = ReplyKind.NotLinked, Language = lang,
                Title = lang == "zh-TW" ? "尚未連結 CRM 帳號" : "Your Teams account is not linked to the CRM",
                Text = lang == "zh-TW"
                    ? "訪客帳號不會自動連結 CRM 使用者。請 CRM 管理員為您連結帳號，然後再傳訊息給我。"
                    : "Guest accounts are not linked to the CRM automatically. Ask your CRM admin to link your account, then write to me again.",
            }
            : lang == "zh-TW"
            ? new Reply
            {
                Kind = ReplyKind.NotLinked, Language = lang, Title = "尚未連結 CRM 帳號",
                Text = $"我還不認識您。請 CRM 管理員將您的電子郵件{(email is null ? "" : $"（{email}）")}加入 CRM 使用者，然後再傳訊息給我。",
            }
            : new Reply
            {
                Kind = ReplyKind.NotLinked, Language = lang, Title = "Your Teams account is not linked to the CRM",
                Text = $"I don't know you yet. Ask your admin to add your e-mail{(email is null ? "" : $" ({email})")} to the CRM as a user, then write to me again.",
            };

        public static Reply Error(string lang) => new()
        {
            Kind = ReplyKind.Error, Language = lang,
            Title = lang == "zh-TW" ? "發生錯誤" : "Something went wrong",
            Text = lang == "zh-TW" ? "抱歉，我現在無法回答。請稍後再試。" : "Sorry, I could not answer that just now. Please try again in a moment.",
        };

        public static Reply SentPrivately(string lang) => new()
        {
            Kind = ReplyKind.Confirmation, Language = lang,
            Title = lang == "zh-TW" ? "已私訊給您" : "Sent to you privately",
            Text = lang == "zh-TW" ? "這個回答只有您能看，我已在與您的私人聊天中傳送。" : "That answer is for your eyes only, so I sent it to you in a private chat.",
        };
    }
}
