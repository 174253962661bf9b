using System.Collections.Concurrent;
using System.Data.Common;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmBot.Slack.Inbound;

/// <summary>
/// "Have we handled this event already?" across retries and instances, in two steps: an in-memory set
/// answers at acknowledgement time (the immediate retry hits the same instance; no database in the
/// 3-second path), and the ProcessedEvent table's unique key answers for every instance just before
/// the turn is answered (insert-or-ignore: the first insert wins).
/// </summary>
public sealed class SlackEventDeduplicator(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SlackEventDeduplicator> log)
{
    // Slack retries within 5 minutes of the first delivery; an hour of memory covers that with room.
    private static readonly TimeSpan Remember = TimeSpan.FromHours(1);
    private const int PruneAbove = 10_000;
    // Slack gives up retrying after about 5 minutes: rows older than a day only take space. Swept hourly.
    private static readonly TimeSpan KeepRows = TimeSpan.FromDays(1);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromHours(1);
    public const string KeyPrefix = "slack:";

    private long _nextSweepTicks;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <summary>True for the first claim of <paramref name="key"/> on this instance; false for a repeat. No I/O.</summary>
    public bool TryClaimHere(string key)
    {
        var now = clock.GetUtcNow();
        if (!_seen.TryAdd(key, now)) return false;
        if (_seen.Count > PruneAbove) Prune(now);
        return true;
    }

    /// <summary>Forgets a claim made here whose delivery was not taken after all (the queue was full): its retry is handled.</summary>
    public void ReleaseHere(string key) => _seen.TryRemove(key, out _);

    /// <summary>True for the first claim of <paramref name="key"/> by any instance sharing the database; false for a repeat.</summary>
    public async Task<bool> TryClaimEverywhereAsync(string key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        db.ProcessedEvents.Add(new ProcessedEvent { Key = key, ReceivedAt = now.UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
            await SweepOldRowsAsync(db, now, ct);
            return true;
        }
        catch (Exception e) when (e is DbUpdateException or DbException)
        {
            // A unique-key clash means another instance claimed it first; anything else is a database
            // problem (locked, unreachable), and answering twice is better than not answering at all.
            if (await AlreadyClaimedAsync(db, key, ct)) return false;
            log.LogError(e, "Could not record Slack event {Key}; handling it anyway", key);
            return true;
        }
    }

    private static async Task<bool> AlreadyClaimedAsync(CrmDbContext db, string key, CancellationToken ct)
    {
        try
        {
            return await db.ProcessedEvents.AnyAsync(p => p.Key == key, ct);
        }
        catch (DbException)
        {
            return false; // the database is down: the in-memory set is all we have
        }
    }

    private async Task SweepOldRowsAsync(CrmDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepEvery).UtcTicks, due) != due) return;
        var cutoff = (now - KeepRows).UtcDateTime;
        try
        {
            await db.ProcessedEvents.Where(p => p.ReceivedAt < cutoff && p.Key.StartsWith(KeyPrefix)).ExecuteDeleteAsync(ct);
        }
        catch (DbException e)
        {
            log.LogWarning(e, "Could not sweep old Slack event keys");
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, at) in _seen)
            if (now - at > Remember) _seen.TryRemove(key, out _);
    }
}
