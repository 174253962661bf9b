using CrmBot.Core.Commands;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>Words the parser could not place: a short help with the closest commands as buttons ("did you mean").</summary>
public sealed class UnknownHandler : ICommandHandler
{
    public Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct)
    {
        var unknown = (UnknownCommand)command;
        var allowed = CommandCatalog.For(turn.Asker.Role).Select(t => t.Topic).ToHashSet();
        // The parser suggests in the message's language; when it could not tell, suggest in the reply's.
        var suggestions = unknown.Language is null ? CommandCatalog.Suggest(unknown.Text.ToLowerInvariant(), turn.IsChinese ? turn.Language : null).Suggestions : unknown.Suggestions;
        var mayRun = suggestions.Where(s => CommandCatalog.TopicOfExample(s) is not { } t || allowed.Contains(t.Topic)).Take(3).ToList();
        return Task.FromResult(new Reply
        {
            Kind = ReplyKind.Help,
            Language = turn.Language,
            Title = turn.T("Sorry, I didn't get that", "抱歉，我不太明白"),
            Text = turn.T("Did you mean one of these? Type `help` for everything I can do.", "您是不是想問以下其中一項？輸入「說明」查看所有指令。"),
            Buttons = [.. mayRun.Select(s => new ReplyButton(s, CardVerbs.Run, new Dictionary<string, string> { ["command"] = s }))],
        });
    }
}
