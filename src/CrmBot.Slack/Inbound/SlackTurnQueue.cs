using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Slack.Inbound;

/// <summary>Acknowledged turns waiting to be answered. Bounded: a flood is refused politely, not buffered until memory runs out.</summary>
public sealed class SlackTurnQueue(IOptions<SlackOptions> options)
{
    private readonly Channel<SlackTurn> _channel = Channel.CreateBounded<SlackTurn>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait });

    public bool TryEnqueue(SlackTurn turn) => _channel.Writer.TryWrite(turn);

    internal ChannelReader<SlackTurn> Reader => _channel.Reader;
}

/// <summary>Answers queued turns with a few workers, each turn in its own DI scope (its own DbContext).</summary>
internal sealed class SlackTurnWorker(SlackTurnQueue queue, IServiceScopeFactory scopes, IOptions<SlackOptions> options,
    ILogger<SlackTurnWorker> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken ct)
    {
        await foreach (var turn in queue.Reader.ReadAllAsync(ct))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<SlackTurnProcessor>().ProcessAsync(turn, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Slack {Source} from {User} could not be answered", turn.Source, turn.UserId);
            }
        }
    }
}
