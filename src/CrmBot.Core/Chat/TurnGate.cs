using Microsoft.Extensions.Options;

namespace CrmBot.Core.Chat;

/// <summary>
/// Bounds how many chat turns run at once (<see cref="ChatOptions.MaxConcurrentTurns"/>). SQLite does its
/// work synchronously on the calling thread, so a running report holds a thread-pool thread for as long
/// as it takes; turns beyond the bound wait here without holding one. That leaves threads for what must
/// stay fast whatever the reports cost: Slack's 3-second acknowledgements, health checks.
/// </summary>
public sealed class TurnGate(IOptions<ChatOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentTurns, options.Value.MaxConcurrentTurns);

    public async Task<T> RunAsync<T>(Func<Task<T>> turn, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            return await turn();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
