using CrmBot.Core.Commands;
using CrmBot.Core.Scheduling;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>Channel subscriptions and nudge statistics: the chat side of the scheduled work in Scheduling/.</summary>
public sealed class ScheduledWorkHandler(SubscriptionService subscriptions, NudgeStatsHandler nudgeStats) : ICommandHandler
{
    public Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct)
    {
        var asker = turn.Asker with { Language = turn.Language };
        return command switch
        {
            SubscribeCommand c => subscriptions.HandleAsync(c, asker, turn.Context, ct),
            UnsubscribeCommand c => subscriptions.HandleAsync(c, asker, turn.Context, ct),
            ListSubscriptionsCommand c => subscriptions.HandleAsync(c, asker, turn.Context, ct),
            NudgeStatsCommand c => nudgeStats.HandleAsync(c, asker, turn.Context, ct),
            _ => throw new ArgumentException($"{command.GetType().Name} is not scheduled work.", nameof(command)),
        };
    }
}
