using CrmBot.Core.Commands;
using CrmBot.Core.Localization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Core.Chat;

/// <summary>Configuration section "Chat".</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>The bot's display name: a leading "@CrmBot" or &lt;at&gt;CrmBot&lt;/at&gt; addresses it and is not part of the command.</summary>
    public string BotName { get; set; } = "CrmBot";

    /// <summary>Chat turns answered at once (see <see cref="TurnGate"/>); more wait their turn. Default: twice the cores, at least 4.</summary>
    public int MaxConcurrentTurns { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);
}

/// <summary>
/// Text → <see cref="CommandParser"/> → the handler <see cref="ChatRoutes"/> names → <see cref="Reply"/>.
/// Buttons go the same way by verb. Whatever happens inside a handler, the user gets an answer.
/// </summary>
public sealed class ChatEngine(IServiceProvider services, IOptions<ChatOptions> options, TurnGate gate, ILogger<ChatEngine> logger) : IChatEngine
{
    public Task<Reply> HandleTextAsync(Asker asker, ChatContext context, string text, CancellationToken ct)
    {
        var command = CommandParser.Parse(text, new ParseContext(options.Value.BotName));
        return gate.RunAsync(() => AnswerCommandAsync(command, asker, context, ct), ct);
    }

    /// <summary>
    /// A command inside a turn that already holds its <see cref="TurnGate"/> slot (a "run" button runs its
    /// command this way): waiting for a second slot could wait for ever once every slot is held so.
    /// </summary>
    internal Task<Reply> AnswerCommandAsync(Command command, Asker asker, ChatContext context, CancellationToken ct)
    {
        var turn = new ChatTurn(asker, context, Formats.Normalize(command.Language ?? asker.Language));
        var route = ChatRoutes.Commands.FirstOrDefault(r => r.Command == command.GetType());
        if (route.Handler is null)
            throw new InvalidOperationException($"No handler is registered in ChatRoutes for {command.GetType().Name}.");
        var handler = (ICommandHandler)services.GetRequiredService(route.Handler);
        return GuardAsync(turn, () => handler.HandleAsync(command, turn, ct), command.GetType().Name);
    }

    public Task<Reply> HandleActionAsync(Asker asker, ChatContext context, CardAction action, CancellationToken ct)
    {
        var turn = new ChatTurn(asker, context, ReplyButtons.LanguageOf(action, asker.Language));
        var route = ChatRoutes.CardActions.FirstOrDefault(r => r.Verb == action.Verb);
        if (route.Handler is null)
            return Task.FromResult(turn.Error("That button no longer works. Type `help` to see what I can do.", "這個按鈕已失效。輸入「說明」看看我能做什麼。"));
        var handler = (ICardActionHandler)services.GetRequiredService(route.Handler);
        return gate.RunAsync(() => GuardAsync(turn, () => handler.HandleAsync(action, turn, ct), action.Verb), ct);
    }

    /// <summary>A failure inside a handler (database down, a bug) is logged and answered politely, never shown as a stack trace.</summary>
    private async Task<Reply> GuardAsync(ChatTurn turn, Func<Task<Reply>> handle, string what)
    {
        try
        {
            return await handle();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Handling {What} for user {UserId} failed", what, turn.Asker.UserId);
            return turn.Error("Something went wrong on my side. Please try again in a moment.", "我這邊出了點問題，請稍後再試。");
        }
    }
}
