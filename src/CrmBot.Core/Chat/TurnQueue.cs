using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrmBot.Core.Chat;

/// <summary>
/// Ack first, then work: a channel's endpoint queues what it acknowledged and a few workers answer it, each
/// item in its own DI scope (its own DbContext). Bounded: when it is full <see cref="TryEnqueue"/> is false
/// and the endpoint refuses politely (Slack "busy", Teams 503 so the channel retries) instead of memory
/// growing. Each channel derives one and says how an item is answered.
/// </summary>
public abstract class TurnQueue<T>(IServiceScopeFactory scopes, int capacity, int workers, ILogger log) : BackgroundService
{
    private readonly Channel<T> _items = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>False when the queue is full.</summary>
    public bool TryEnqueue(T item) => _items.Writer.TryWrite(item);

    /// <summary>Answers one item with services from its own scope.</summary>
    protected abstract Task AnswerAsync(IServiceProvider services, T item, CancellationToken ct);

    /// <summary>The item in a log line when answering it failed.</summary>
    protected abstract string Describe(T item);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken ct)
    {
        await foreach (var item in _items.Reader.ReadAllAsync(ct))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await AnswerAsync(scope.ServiceProvider, item, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "{Turn} could not be answered", Describe(item));
            }
        }
    }
}
