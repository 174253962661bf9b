using System.Collections.Concurrent;
using CrmBot.Core.Chat;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrmBot.Core.Tests.Chat;

public sealed class TurnQueueFacts
{
    /// <summary>Answers numbers; a negative one throws, as a failing turn would.</summary>
    private sealed class NumberQueue(IServiceScopeFactory scopes, int capacity, int workers)
        : TurnQueue<int>(scopes, capacity, workers, NullLogger.Instance)
    {
        public ConcurrentBag<(int Item, IServiceProvider Services)> Answered { get; } = [];

        protected override Task AnswerAsync(IServiceProvider services, int item, CancellationToken ct)
        {
            if (item < 0) throw new InvalidOperationException("a failing turn");
            Answered.Add((item, services));
            return Task.CompletedTask;
        }

        protected override string Describe(int item) => $"item {item}";
    }

    private static IServiceScopeFactory Scopes() => new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();

    [Fact]
    public void TryEnqueue_IsFalse_WhenTheQueueIsFull()
    {
        var queue = new NumberQueue(Scopes(), capacity: 2, workers: 1); // not started: nothing is taken out

        Assert.Equal([true, true, false], new[] { 1, 2, 3 }.Select(queue.TryEnqueue));
    }

    [Fact]
    public async Task Workers_AnswerEveryItemInItsOwnScope_AndGoOnAfterAFailure()
    {
        var queue = new NumberQueue(Scopes(), capacity: 10, workers: 2);
        foreach (var item in new[] { 1, -1, 2, 3 }) Assert.True(queue.TryEnqueue(item));

        await queue.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (queue.Answered.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(10);
        await queue.StopAsync(CancellationToken.None);

        Assert.Equal([1, 2, 3], queue.Answered.Select(a => a.Item).Order());
        Assert.Equal(3, queue.Answered.Select(a => a.Services).Distinct().Count());
    }
}
