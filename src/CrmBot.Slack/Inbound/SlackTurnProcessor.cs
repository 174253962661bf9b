using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Slack.Api;
using CrmBot.Slack.Blocks;
using CrmBot.Slack.Charts;
using Microsoft.Extensions.Logging;

namespace CrmBot.Slack.Inbound;

/// <summary>
/// Answers one acknowledged turn: who is asking (linked by Slack profile e-mail on first contact),
/// the engine's reply, rendered to Block Kit and sent back the way the request came: response_url for
/// commands and buttons, chat.postMessage / chat.postEphemeral for mentions, DMs and modals.
/// Personal answers asked for in a channel are only ever shown to the asker.
/// </summary>
public sealed class SlackTurnProcessor(IIdentityLinker linker, IChatEngine engine, SlackApiClient api, BlockKitRenderer renderer,
    ChartImageRenderer charts, SlackConversations conversations, SlackEventDeduplicator dedupe, ILogger<SlackTurnProcessor> log)
{
    public async Task ProcessAsync(SlackTurn turn, CancellationToken ct)
    {
        if (turn.ClaimKey is not null && !await dedupe.TryClaimEverywhereAsync(turn.ClaimKey, ct))
        {
            log.LogInformation("Slack event {Key} was answered by another instance; skipping it", turn.ClaimKey);
            return;
        }
        Reply? reply;
        try
        {
            (turn, reply) = await AnswerAsync(turn, ct);
        }
        catch (SlackApiException e) when (!e.IsTransient)
        {
            log.LogError("Slack {Method} refused while answering {User}: {Error}", e.Method, turn.UserId, e.Error);
            var language = LanguageOf(turn);
            reply = SlackTexts.Failed(language) with { Text = SlackTexts.SlackRefused(language, e.Error, e.Method) };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "Answering Slack {Source} from {User} failed", turn.Source, turn.UserId);
            reply = SlackTexts.Failed(LanguageOf(turn));
        }
        // The modal closed when it was submitted: a failure must not take what was typed in it along.
        // (Failure replies are private: ephemeral when asked in a channel.)
        if (reply is { Kind: ReplyKind.Error } && turn.Source == SlackTurnSource.ViewSubmission
            && turn.Action is { } submitted && ActionForms.Typed(submitted, reply.Language) is { } typed)
            reply = reply with { Text = $"{reply.Text}\n\n{typed}" };
        if (reply is not null) await DeliverAsync(turn, reply, ct);
    }

    /// <summary>
    /// The turn as understood (a D… channel recognised as the bot's DM) and the reply to send, or a null
    /// reply when the turn was answered another way (a modal opened).
    /// </summary>
    /// <summary>
    /// The language of the edge's own replies (not linked, failed), worked out only when one is sent (the engine reads the
    /// text itself for its answers): a click or a form by its button's reply language; typed text as the parser reads it.
    /// </summary>
    private static string LanguageOf(SlackTurn turn) => turn.Action is { } clicked
        ? ReplyButtons.LanguageOf(clicked, SlackTexts.LanguageOf(turn.Text))
        : SlackTexts.LanguageOf(turn.Text);

    private async Task<(SlackTurn Turn, Reply? Reply)> AnswerAsync(SlackTurn turn, CancellationToken ct)
    {
        string? email = null;
        var guest = false;
        var asker = await linker.ResolveAsync(ChatPlatform.Slack, turn.TeamId, turn.UserId, aadObjectId: null, async c =>
        {
            var profile = await api.GetUserProfileAsync(turn.UserId, c);
            guest = profile.IsGuest;
            // An outsider's e-mail may match a CRM user's: only an admin links a guest (`crmbot link`), see docs/hardening.md.
            return guest ? null : email = profile.Email;
        }, ct);
        if (asker is null) return (turn, SlackTexts.NotLinked(LanguageOf(turn), email, guest));

        // Commands and buttons in a D… channel are private only in the asker's DM with the bot itself.
        var directChannel = await RememberDirectConversationAsync(turn, asker, ct);
        if (!turn.IsDirect && directChannel is not null && turn.ChannelId == directChannel)
            turn = turn with { IsDirect = true };
        var context = turn.ToChatContext();
        if (turn.Action is { } action)
        {
            // The form speaks the language of the message its button is on, as the button's answer will.
            var formLanguage = ReplyButtons.LanguageOf(action, asker.Language);
            if (ActionForms.For(action, formLanguage) is { Count: > 0 } form && turn.TriggerId is not null)
            {
                // An ephemeral message cannot be read back or updated: the confirmation then comes as a new message.
                var origin = new ActionFormModal.Origin(turn.ChannelId, turn.IsDirect, formLanguage, action.Verb, action.Data,
                    turn.MessageIsEphemeral ? null : turn.MessageTs);
                await api.OpenViewAsync(turn.TriggerId, ActionFormModal.Build(origin, turn.ActionLabel ?? ActionForms.SubmitLabel(formLanguage), form), ct);
                return (turn, null);
            }
            return (turn, await engine.HandleActionAsync(asker, context, action, ct));
        }
        return (turn, await engine.HandleTextAsync(asker, context, turn.Text ?? "help", ct));
    }

    /// <summary>
    /// Keeps the user's DM channel with the bot for nudges: the one they wrote in, or conversations.open
    /// on first contact. Returns it, or null when Slack would not open it.
    /// </summary>
    private async Task<string?> RememberDirectConversationAsync(SlackTurn turn, Asker asker, CancellationToken ct)
    {
        try
        {
            if (turn.IsDirect && turn.ChannelId is not null)
            {
                await conversations.RememberDirectAsync(turn.TeamId, asker.UserId, turn.UserId, turn.ChannelId, ct);
                return turn.ChannelId;
            }
            if (await conversations.FindDirectAsync(asker.UserId, ct) is { } stored) return stored.ConversationId;
            var opened = await api.OpenConversationAsync(turn.UserId, ct);
            await conversations.RememberDirectAsync(turn.TeamId, asker.UserId, turn.UserId, opened, ct);
            return opened;
        }
        catch (SlackApiException e)
        {
            // Nudges need it, this answer does not: log and carry on.
            log.LogWarning("Could not open the DM with {User}: {Error}", turn.UserId, e.Error);
            return null;
        }
    }

    private async Task DeliverAsync(SlackTurn turn, Reply reply, CancellationToken ct)
    {
        var isPrivate = !turn.IsDirect && (reply.Visibility == Visibility.Private || reply.Report?.HasPersonalRecords == true);
        var rendered = renderer.Render(reply);
        var message = rendered.ToJson();
        try
        {
            await SendAsync(turn, reply, message, isPrivate, ct);
        }
        catch (SlackApiException e) when (!e.IsTransient)
        {
            log.LogError("Slack {Method} refused the answer to {User}: {Error}", e.Method, turn.UserId, e.Error);
            await TellAboutRefusalAsync(turn, SlackTexts.SlackRefused(reply.Language, e.Error, e.Method), ct);
            return;
        }
        if (rendered.Chart is not { } chart) return;
        try
        {
            await UploadChartAsync(turn, chart, isPrivate, ct);
        }
        catch (SlackApiException e) when (!e.IsTransient)
        {
            // The answer is posted; only its picture is missing.
            log.LogError("Slack {Method} refused the chart for {User}: {Error}", e.Method, turn.UserId, e.Error);
            await TellAboutRefusalAsync(turn, SlackTexts.ChartRefused(reply.Language), ct);
        }
    }

    private async Task SendAsync(SlackTurn turn, Reply reply, JsonObject message, bool isPrivate, CancellationToken ct)
    {
        if (reply.Kind == ReplyKind.Confirmation && await TryMarkClickedItemDoneAsync(turn, reply, ct)) return;
        switch (turn.Source)
        {
            case SlackTurnSource.SlashCommand when turn.ResponseUrl is not null:
                // Only a report for everyone goes in_channel; help, refusals and personal answers stay with the asker.
                message["response_type"] = !isPrivate && reply.Kind == ReplyKind.Report ? "in_channel" : "ephemeral";
                await api.RespondAsync(turn.ResponseUrl, message, ct);
                return;
            case SlackTurnSource.BlockAction when turn.ResponseUrl is not null:
                await RespondToButtonAsync(turn, message, isPrivate, ct);
                return;
            default:
                await PostAsync(turn, message, isPrivate, ct);
                return;
        }
    }

    /// <summary>"Show more" replaces the message clicked on; other buttons answer with a new message.</summary>
    private async Task RespondToButtonAsync(SlackTurn turn, JsonObject message, bool isPrivate, CancellationToken ct)
    {
        var replace = turn.Action?.Verb == CardVerbs.Page;
        var body = (JsonObject)message.DeepClone();
        body["replace_original"] = replace;
        if (!replace) body["response_type"] = isPrivate ? "ephemeral" : "in_channel";
        if (!replace && turn.ThreadTs is not null) body["thread_ts"] = turn.ThreadTs;
        try
        {
            await api.RespondAsync(turn.ResponseUrl!, body, ct);
        }
        catch (SlackApiException e) when (!e.IsTransient && replace && !turn.MessageIsEphemeral
                                          && turn.ChannelId is not null && turn.MessageTs is not null)
        {
            // response_url lives 30 minutes and 5 uses; the message itself can still be updated.
            log.LogInformation("response_url refused ({Error}); updating the message with chat.update", e.Error);
            await api.UpdateAsync(turn.ChannelId, turn.MessageTs, message, ct);
        }
    }

    /// <summary>
    /// A log or snooze clicked on a list's item: the confirmation replaces that item's buttons in the
    /// message itself (see <see cref="ClickedItem"/>). False when the message cannot be updated; the
    /// confirmation then goes as a new message.
    /// </summary>
    private async Task<bool> TryMarkClickedItemDoneAsync(SlackTurn turn, Reply reply, CancellationToken ct)
    {
        if (turn.Action is not { Verb: CardVerbs.LogActivity or CardVerbs.Snooze } action || reply.Text is not { Length: > 0 } text)
            return false;
        try
        {
            switch (turn.Source)
            {
                case SlackTurnSource.BlockAction when turn.ResponseUrl is not null && turn.MessageBlocks is { } blocks:
                    if (ClickedItem.MarkDone(blocks, action, text) is not { } marked) return false;
                    await api.RespondAsync(turn.ResponseUrl, new JsonObject { ["replace_original"] = true, ["text"] = text, ["blocks"] = marked }, ct);
                    return true;
                case SlackTurnSource.ViewSubmission when turn.ChannelId is not null && turn.MessageTs is not null:
                    if (await api.ReadMessageAsync(turn.ChannelId, turn.MessageTs, ct) is not { } original
                        || original["blocks"] is not JsonArray current
                        || ClickedItem.MarkDone(current, action, text) is not { } updated) return false;
                    await api.UpdateAsync(turn.ChannelId, turn.MessageTs, new JsonObject { ["text"] = text, ["blocks"] = updated }, ct);
                    return true;
                default:
                    return false;
            }
        }
        catch (SlackApiException e)
        {
            log.LogWarning("Could not mark the clicked item done in place ({Method}: {Error}); confirming in a new message", e.Method, e.Error);
            return false;
        }
    }

    private async Task PostAsync(SlackTurn turn, JsonObject message, bool isPrivate, CancellationToken ct)
    {
        if (turn.ThreadTs is not null) message["thread_ts"] = turn.ThreadTs;
        if (turn.ChannelId is null)
        {
            var direct = await api.OpenConversationAsync(turn.UserId, ct);
            await api.PostMessageAsync(direct, message, ct);
        }
        else if (isPrivate)
            await api.PostEphemeralAsync(turn.ChannelId, turn.UserId, message, ct);
        else
            await api.PostMessageAsync(turn.ChannelId, message, ct);
    }

    /// <summary>
    /// Slack has no chart block: the chart goes as a PNG after the answer, into the same channel and thread.
    /// Files cannot be ephemeral, so a private answer asked for in a channel gets its chart in the asker's DM.
    /// </summary>
    private async Task UploadChartAsync(SlackTurn turn, Chart chart, bool isPrivate, CancellationToken ct)
    {
        var channel = isPrivate || turn.ChannelId is null ? await api.OpenConversationAsync(turn.UserId, ct) : turn.ChannelId;
        var threadTs = isPrivate ? null : turn.ThreadTs;
        var png = charts.RenderPng(chart);
        await api.UploadFileAsync(channel, "chart.png", png, chart.Title, altText: chart.Title, threadTs, ct);
    }

    /// <summary>When Slack refuses an answer, tell the asker why in a DM (the one road that needs no channel membership).</summary>
    private async Task TellAboutRefusalAsync(SlackTurn turn, string text, CancellationToken ct)
    {
        try
        {
            var direct = await api.OpenConversationAsync(turn.UserId, ct);
            await api.PostMessageAsync(direct, new JsonObject { ["text"] = text }, ct);
        }
        catch (SlackApiException e)
        {
            log.LogError("Could not tell {User} that Slack refused the answer: {Error}", turn.UserId, e.Error);
        }
    }
}
