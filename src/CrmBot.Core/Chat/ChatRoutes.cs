using CrmBot.Core.Chat.Handlers;
using CrmBot.Core.Commands;

namespace CrmBot.Core.Chat;

/// <summary>
/// Which handler answers which command and which card verb: the one list to read (and to change when
/// a handler is swapped in). Handlers are resolved from DI per turn.
/// </summary>
public static class ChatRoutes
{
    public static readonly IReadOnlyList<(Type Command, Type Handler)> Commands =
    [
        (typeof(ReportCommand), typeof(ReportHandler)),
        (typeof(HelpCommand), typeof(HelpHandler)),
        (typeof(UnknownCommand), typeof(UnknownHandler)),
        (typeof(UnusableValueCommand), typeof(UnusableValueHandler)),
        (typeof(LogActivityCommand), typeof(LogActivityHandler)),
        (typeof(SnoozeCommand), typeof(SnoozeHandler)),
        (typeof(SettingsCommand), typeof(SettingsHandler)),
        (typeof(SubscribeCommand), typeof(ScheduledWorkHandler)),
        (typeof(UnsubscribeCommand), typeof(ScheduledWorkHandler)),
        (typeof(ListSubscriptionsCommand), typeof(ScheduledWorkHandler)),
        (typeof(NudgeStatsCommand), typeof(ScheduledWorkHandler)),
    ];

    public static readonly IReadOnlyList<(string Verb, Type Handler)> CardActions =
    [
        (CardVerbs.Run, typeof(RunActionHandler)),
        (CardVerbs.Page, typeof(ReportHandler)),
        (CardVerbs.LogActivity, typeof(LogActivityHandler)),
        (CardVerbs.Snooze, typeof(SnoozeHandler)),
        (CardVerbs.SaveSettings, typeof(SettingsHandler)),
    ];
}
