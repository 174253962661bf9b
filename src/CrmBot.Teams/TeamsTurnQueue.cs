using CrmBot.Core.Chat;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams;

/// <summary>
/// /api/messages queues the activity and answers 200 at once (Teams gives a channel 10–15 s,
/// offline-directline's Web Chat 20 s); <see cref="TeamsOptions.ReplyWorkers"/> workers answer through the
/// connector. When the queue is full the endpoint answers 503 and the channel retries (see <see cref="TurnQueue{T}"/>).
/// </summary>
public sealed class TeamsTurnQueue(IServiceScopeFactory scopes, IOptions<TeamsOptions> options, ILogger<TeamsTurnQueue> log)
    : TurnQueue<Activity>(scopes, options.Value.ReplyQueueCapacity, options.Value.ReplyWorkers, log)
{
    protected override Task AnswerAsync(IServiceProvider services, Activity activity, CancellationToken ct) =>
        services.GetRequiredService<TeamsTurnHandler>().HandleAsync(activity, ct);

    protected override string Describe(Activity activity) =>
        $"Teams {activity.Type} activity {activity.Id} in conversation {activity.Conversation?.Id}";
}
