using CrmBot.Core.Data;
using CrmBot.Slack.Inbound;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Slack.Tests;

public sealed class SlackEventDeduplicatorFacts : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public SlackEventDeduplicatorFacts()
    {
        _services = new ServiceCollection()
            .AddDbContext<CrmDbContext>(o => DatabaseSetup.ConfigureSqlite(o, _database.ConnectionString))
            .BuildServiceProvider();
    }

    private SlackEventDeduplicator NewInstance() =>
        new(_services.GetRequiredService<IServiceScopeFactory>(), _clock, NullLogger<SlackEventDeduplicator>.Instance);

    [Fact]
    public void TryClaimHere_IsTrueOnce_PerInstance_WithoutTheDatabase()
    {
        var one = NewInstance();
        _database.Dispose(); // the acknowledgement path must not need it

        Assert.True(one.TryClaimHere("slack:event:E1"));
        Assert.False(one.TryClaimHere("slack:event:E1"));
        Assert.True(NewInstance().TryClaimHere("slack:event:E1"));
    }

    [Fact]
    public async Task TryClaimEverywhere_IsTrueOnce_AcrossInstances()
    {
        var one = NewInstance();
        var two = NewInstance();

        Assert.True(await one.TryClaimEverywhereAsync("slack:event:E1", CancellationToken.None));
        Assert.False(await two.TryClaimEverywhereAsync("slack:event:E1", CancellationToken.None));
        Assert.False(await one.TryClaimEverywhereAsync("slack:event:E1", CancellationToken.None));
        Assert.True(await two.TryClaimEverywhereAsync("slack:event:E2", CancellationToken.None));
    }

    [Fact]
    public async Task TryClaim_SweepsSlackKeysOlderThanADay_AndLeavesOthers()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        await using (var db = _database.NewTrackingContext())
        {
            db.ProcessedEvents.AddRange(
                new ProcessedEvent { Key = "slack:event:old", ReceivedAt = now.AddDays(-2) },
                new ProcessedEvent { Key = "slack:event:recent", ReceivedAt = now.AddHours(-2) },
                new ProcessedEvent { Key = "teams:activity:old", ReceivedAt = now.AddDays(-2) });
            await db.SaveChangesAsync();
        }

        Assert.True(await NewInstance().TryClaimEverywhereAsync("slack:event:new", CancellationToken.None));

        await using var check = _database.NewContext();
        Assert.Equal(["slack:event:new", "slack:event:recent", "teams:activity:old"],
            await check.ProcessedEvents.Select(p => p.Key).OrderBy(k => k).ToListAsync());
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }
}
