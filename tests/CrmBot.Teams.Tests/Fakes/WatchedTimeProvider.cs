using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Teams.Tests.Fakes;

/// <summary>A fake clock that also records the delays code waits for, so a test can advance exactly past them.</summary>
public sealed class WatchedTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero))
{
    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Recorded once the timer exists: a test that advances the clock as soon as it sees the delay must not do so
        // before the timer is there to fire, or the awaited task never completes.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Delays.Enqueue(dueTime);
        return timer;
    }

    public async Task WaitForDelayAsync(TimeSpan dueTime, int timeoutSeconds = 10)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!Delays.Contains(dueTime))
            await Task.Delay(10, deadline.Token);
    }
}
