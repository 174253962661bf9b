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

    // A turn may run another through the engine (a "run" button runs its command): that one is already
    // inside, and waiting for a second slot could wait for ever once every slot is held by such turns.
    private static readonly AsyncLocal<bool> Inside = new();

    public async Task<T> RunAsync<T>(Func<Task<T>> turn, CancellationToken ct)
    {
        if (Inside.Value) return await turn();
        await _slots.WaitAsync(ct);
        try
        {
            Inside.Value = true;
            return await turn();
        }
        finally
        {
            Inside.Value = false;
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
