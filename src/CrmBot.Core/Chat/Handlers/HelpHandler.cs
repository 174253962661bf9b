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
                // The entry itself gives the name, the description and the examples: said once.
                Kind = ReplyKind.Help,
                Language = turn.Language,
                Title = turn.T($"Help: {one.NameEn}", $"說明：{one.NameZh}"),
                Help = [Entry(one, turn)],
            });

        // A topic the asker may not run is echoed by its name in the asker's language, as they would write it, never by
        // its internal key; they are told whom it is for, and what they can do instead.
        var known = topic is null ? null : CommandCatalog.Topics.FirstOrDefault(t => t.Topic == topic);
        var asked = known?.Name(turn.IsChinese) ?? topic;
        return Task.FromResult(new Reply
        {
            Kind = ReplyKind.Help,
            Language = turn.Language,
            Title = turn.T("What I can do", "我能做什麼"),
            Text = topic is null ? turn.T("Ask in plain words, for example:", "直接用一般的話問我，例如：")
                : known is { MinimumRole: Data.UserRole.Manager } ? turn.T($"“{asked}” is for managers and admins. Here is what you can do:", $"「{asked}」僅供主管與管理員使用。以下是您可以做的事：")
                : known is not null ? turn.T($"“{asked}” is for admins. Here is what you can do:", $"「{asked}」僅供管理員使用。以下是您可以做的事：")
                : turn.T($"I have no help on “{asked}”. Here is what I can do:", $"沒有「{asked}」的說明。以下是我能做的事："),
            Help = [.. allowed.Select(t => Entry(t, turn))],
        });
    }

    public static HelpEntry Entry(CommandTopic topic, ChatTurn turn) =>
        new(topic.Name(turn.IsChinese), topic.Description(turn.IsChinese), topic.Examples(turn.IsChinese, turn.Asker.Role));
}
