using CrmBot.Core.Commands;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>`help` lists the commands the asker may run; `help &lt;topic&gt;` explains one with examples.</summary>
public sealed class HelpHandler : ICommandHandler
{
    public Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct)
    {
        var topic = ((HelpCommand)command).Topic;
        var allowed = CommandCatalog.For(turn.Asker.Role).ToList();
        if (topic is not null && allowed.FirstOrDefault(t => t.Topic == topic) is { } one)
            return Task.FromResult(new Reply
            {
                Kind = ReplyKind.Help,
                Language = turn.Language,
                Title = one.Name(turn.IsChinese),
                Text = one.Description(turn.IsChinese),
                Help = [Entry(one, turn)],
            });

        // A topic the asker may not run is not mentioned: it is "unknown" to them, like any other. It is echoed by its
        // name in the asker's language, as they would write it, never by its internal key.
        var asked = topic is null ? null : CommandCatalog.Topics.FirstOrDefault(t => t.Topic == topic)?.Name(turn.IsChinese) ?? topic;
        return Task.FromResult(new Reply
        {
            Kind = ReplyKind.Help,
            Language = turn.Language,
            Title = turn.T("What I can do", "我能做什麼"),
            Text = topic is null
                ? turn.T("Ask in plain words, for example:", "直接用一般的話問我，例如：")
                : turn.T($"I have no help on “{asked}”. Here is what I can do:", $"沒有「{asked}」的說明。以下是我能做的事："),
            Help = [.. allowed.Select(t => Entry(t, turn))],
        });
    }

    public static HelpEntry Entry(CommandTopic topic, ChatTurn turn) =>
        new(topic.Name(turn.IsChinese), topic.Description(turn.IsChinese), topic.Examples(turn.IsChinese, turn.Asker.Role));
}
