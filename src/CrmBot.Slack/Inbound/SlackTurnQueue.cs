using CrmBot.Core.Chat;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Slack.Inbound;

/// <summary>Acknowledged Slack turns, answered by <see cref="SlackOptions.Workers"/> workers (see <see cref="TurnQueue{T}"/>).</summary>
public sealed class SlackTurnQueue(IServiceScopeFactory scopes, IOptions<SlackOptions> options, ILogger<SlackTurnQueue> log)
    : TurnQueue<SlackTurn>(scopes, options.Value.QueueCapacity, options.Value.Workers, log)
{
    protected override Task AnswerAsync(IServiceProvider services, SlackTurn turn, CancellationToken ct) =>
        services.GetRequiredService<SlackTurnProcessor>().ProcessAsync(turn, ct);

    protected override string Describe(SlackTurn turn) => $"Slack {turn.Source} from {turn.UserId}";
}
