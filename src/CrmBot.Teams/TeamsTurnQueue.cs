using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams;

/// <summary>
/// Ack first, then work: /api/messages queues the activity and answers 200 at once (Teams gives a channel
/// 10–15 s, offline-directline's Web Chat 20 s); a few workers answer through the connector. The queue is
/// bounded: when it is full the endpoint answers 503 and the channel retries, instead of memory growing.
/// </summary>
public sealed class TeamsTurnQueue(IServiceScopeFactory scopes, IOptions<TeamsOptions> options, ILogger<TeamsTurnQueue> log) : BackgroundService
{
    private readonly Channel<Activity> _activities = Channel.CreateBounded<Activity>(
        new BoundedChannelOptions(options.Value.ReplyQueueCapacity) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>False when the queue is full.</summary>
    public bool TryEnqueue(Activity activity) => _activities.Writer.TryWrite(activity);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.ReplyWorkers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var activity in _activities.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TeamsTurnHandler>().HandleAsync(activity, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Teams {Type} activity {Id} in conversation {Conversation} failed", activity.Type, activity.Id, activity.Conversation?.Id);
            }
        }
    }
}
