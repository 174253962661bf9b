using CrmBot.Core.Localization;

namespace CrmBot.Core.Chat;

/// <summary>One message or button press being answered: who, where, and the reply language decided for it.</summary>
public sealed record ChatTurn(Asker Asker, ChatContext Context, string Language)
{
    public Formats Formats => Formats.For(Language);

    public bool IsChinese => Formats.IsChinese;

    /// <summary>The text in the reply's language.</summary>
    public string T(string english, string chinese) => IsChinese ? chinese : english;

    /// <summary>Personal answers typed in a channel go to the asker only.</summary>
    public Visibility PrivateInChannel => Context.IsPersonal ? Visibility.Conversation : Visibility.Private;

    public Reply Error(string english, string chinese) =>
        new() { Kind = ReplyKind.Error, Language = Language, Title = T("Sorry", "抱歉"), Text = T(english, chinese), Visibility = PrivateInChannel };

    public Reply Refusal(string english, string chinese) =>
        new() { Kind = ReplyKind.Refusal, Language = Language, Title = T("Not allowed", "無法執行"), Text = T(english, chinese), Visibility = PrivateInChannel };

    public Reply Confirmation(string english, string chinese) =>
        new() { Kind = ReplyKind.Confirmation, Language = Language, Title = T("Done", "完成"), Text = T(english, chinese), Visibility = PrivateInChannel };

    /// <summary>The asker's "now" as a local date, for confirmations ("until Oct 1, 2017").</summary>
    public TimeZoneInfo TimeZone => FindTimeZone(Asker.TimeZone);

    public static TimeZoneInfo FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc; // a bad id in the CRM should not break the answer
        }
    }
}

/// <summary>Answers one kind of command (see <see cref="ChatRoutes"/>).</summary>
public interface ICommandHandler
{
    Task<Reply> HandleAsync(Commands.Command command, ChatTurn turn, CancellationToken ct);
}

/// <summary>Answers one card verb (see <see cref="ChatRoutes"/>).</summary>
public interface ICardActionHandler
{
    Task<Reply> HandleAsync(CardAction action, ChatTurn turn, CancellationToken ct);
}
