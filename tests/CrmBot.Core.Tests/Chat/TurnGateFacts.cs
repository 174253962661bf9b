using CrmBot.Core.Chat;
using Microsoft.Extensions.Options;

namespace CrmBot.Core.Tests.Chat;

public sealed class TurnGateFacts
{
    [Fact]
    public async Task RunAsync_LetsNoMoreThanTheBoundRunAtOnce_AndTheRestFollowInTurn()
    {
        using var gate = new TurnGate(Options.Create(new ChatOptions { MaxConcurrentTurns = 2 }));
        var release = new TaskCompletionSource();
        var running = 0;
        var mostAtOnce = 0;
        async Task<int> Turn()
        {
            var now = Interlocked.Increment(ref running);
            lock (gate) mostAtOnce = Math.Max(mostAtOnce, now);
            await release.Task;
            Interlocked.Decrement(ref running);
            return now;
        }

        var turns = Enumerable.Range(0, 5).Select(_ => gate.RunAsync(Turn, CancellationToken.None)).ToList();
        await Task.Delay(100);
        var startedBeforeRelease = Volatile.Read(ref running);
        release.SetResult();
        await Task.WhenAll(turns);

        Assert.Equal(2, startedBeforeRelease);
        Assert.Equal(2, mostAtOnce);
    }

    [Fact]
    public async Task RunAsync_GivesUpWaiting_WhenTheCallerCancels()
    {
        using var gate = new TurnGate(Options.Create(new ChatOptions { MaxConcurrentTurns = 1 }));
        var hold = new TaskCompletionSource<int>();
        var first = gate.RunAsync(() => hold.Task, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.RunAsync(() => Task.FromResult(2), cancel.Token));
        hold.SetResult(1);
        Assert.Equal(1, await first);
    }
}
