using System.Text.Json;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// Exactly-once proactive messages. A delivery is first recorded under its unique key (a second
/// instance or a retried job gets a unique-index violation and stops there), then sent by whoever
/// holds its lease (LockedUntil), then marked. A crash between "recorded" and "sent" leaves a Pending
/// row whose lease runs out; <see cref="RecoverAsync"/> claims it with a conditional UPDATE (only one
/// instance wins) and sends it. The reply itself is stored in PayloadJson so recovery sends the same words.
/// </summary>
public sealed class DeliveryOutbox(CrmDbContext db, IEnumerable<IProactiveSender> senders, NudgeOptions options, TimeProvider time, ILogger<DeliveryOutbox> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Backoff after a transient failure: 30 s doubling per attempt, at most an hour (a channel outage
    // rarely lasts long; MaxAttempts bounds the total).
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    /// <summary>Kept free at the end of a lease to record the outcome of a send stopped there.</summary>
    private TimeSpan LeaseMargin => TimeSpan.FromSeconds(Math.Min(10, options.LeaseSeconds / 4.0));

    public IReadOnlyCollection<ChatPlatform> Platforms => senders.Select(s => s.Platform).ToHashSet();

    /// <summary>For each user linked on a channel we can send on: the one they were most recently linked on.</summary>
    public async Task<Dictionary<int, ChatPlatform>> DmPlatformsAsync(CancellationToken ct)
    {
        var platforms = Platforms.ToList();
        var identities = await db.ChatIdentities.AsNoTracking()
            .Where(c => platforms.Contains(c.Platform))
            .Select(c => new { c.UserId, c.Platform, c.LinkedAt })
            .ToListAsync(ct);
        return identities.GroupBy(c => c.UserId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.LinkedAt).First().Platform);
    }

    /// <summary>
    /// Records a delivery with its reply and items, owned (leased) by the caller. Null when its key is
    /// already recorded: someone else has it, and the caller must not send.
    /// </summary>
    public async Task<Delivery?> TryRecordAsync(Delivery delivery, Reply? reply, CancellationToken ct)
    {
        var now = Now;
        delivery.CreatedAt = now;
        delivery.PayloadJson = reply is null ? null : JsonSerializer.Serialize(reply, Json);
        if (delivery.Status == DeliveryStatus.Pending)
        {
            delivery.Attempts = 1;
            delivery.LockedUntil = now.AddSeconds(options.LeaseSeconds);
        }
        foreach (var item in delivery.Items)
            item.NudgedAt = now;
        db.Deliveries.Add(delivery);
        try
        {
            await db.SaveChangesAsync(ct);
            return delivery;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Deliveries.AnyAsync(d => d.Key == delivery.Key, ct))
                return null;   // lost the race for this key: the other instance sends it
            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Sends a delivery the caller holds the lease of, and records the outcome.</summary>
    public async Task<SendStatus> SendAsync(int deliveryId, CancellationToken ct)
    {
        var d = await db.Deliveries.AsNoTracking().SingleAsync(x => x.Id == deliveryId, ct);
        var reply = ReadPayload(d.PayloadJson);
        var sender = senders.FirstOrDefault(s => s.Platform == d.Platform);
        SendResult result;
        if (reply is null || sender is null)
            result = new SendResult(SendStatus.PermanentFailure, Error: reply is null ? "no readable payload" : $"no sender for {d.Platform}");
        else
        {
            // The send ends while this instance holds the lease: after it, another instance may claim the row and send it
            // again. A channel waiting out Retry-Afters can take longer than the lease; stopped here, the row goes back to
            // pending with its backoff instead.
            var leaseLeft = (d.LockedUntil ?? Now.AddSeconds(options.LeaseSeconds)) - Now - LeaseMargin;
            using var withinLease = new CancellationTokenSource(leaseLeft > TimeSpan.Zero ? leaseLeft : TimeSpan.Zero, time);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, withinLease.Token);
            try
            {
                result = await SendWithAsync(sender, d, reply, bounded.Token);
            }
            catch (OperationCanceledException) when (withinLease.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                log.LogWarning("Sending delivery {Key} outlasted its lease; it goes back to pending", d.Key);
                result = new SendResult(SendStatus.TransientFailure, Error: "the send outlasted the delivery's lease");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Sending delivery {Key} failed", d.Key);
                result = new SendResult(SendStatus.TransientFailure, Error: e.Message);
            }
        }
        await RecordOutcomeAsync(d, result, ct);
        return result.Status;
    }

    /// <summary>Claims and sends pending deliveries whose lease or retry time has passed (crash recovery, retries).</summary>
    public async Task<int> RecoverAsync(CancellationToken ct)
    {
        var now = Now;
        var due = await db.Deliveries
            .Where(d => d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil <= now))
            .OrderBy(d => d.CreatedAt).Select(d => d.Id).Take(200)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var id in due)
        {
            if (await TryClaimAsync(id, ct) && await SendAsync(id, ct) == SendStatus.Sent)
                sent++;
        }
        return sent;
    }

    /// <summary>Takes the lease of a pending row whose lease has run out; true for exactly one caller.</summary>
    private async Task<bool> TryClaimAsync(int id, CancellationToken ct)
    {
        var now = Now;
        var leaseEnd = now.AddSeconds(options.LeaseSeconds);
        return await db.Deliveries
            .Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, leaseEnd).SetProperty(d => d.Attempts, d => d.Attempts + 1), ct) == 1;
    }

    private async Task<SendResult> SendWithAsync(IProactiveSender sender, Delivery d, Reply reply, CancellationToken ct)
    {
        if (d.Kind != DeliveryKind.ScheduledPost)
            return await sender.SendToUserAsync(d.RecipientUserId!.Value, reply, ct);
        var sub = await db.ChannelSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == d.SubscriptionId, ct);
        var conversation = sub is null ? null : await db.ConversationRefs.AsNoTracking().FirstOrDefaultAsync(c =>
            (sub.ConversationRefId != null && c.Id == sub.ConversationRefId)
            || (c.Platform == sub.Platform && c.Workspace == sub.Workspace && c.ConversationId == sub.ConversationId), ct);
        return conversation is null
            ? new SendResult(SendStatus.PermanentFailure, Error: "no stored conversation for the subscription")
            : await sender.SendToConversationAsync(conversation, reply, ct);
    }

    private async Task RecordOutcomeAsync(Delivery d, SendResult result, CancellationToken ct)
    {
        var now = Now;
        var (status, retryAt) = result.Status switch
        {
            SendStatus.Sent => (DeliveryStatus.Sent, (DateTime?)null),
            // Rate limits pass: keep it pending until the channel's Retry-After (30 s when it gave none). A storm
            // of 429s counts against MaxAttempts like any other failure, so it ends instead of looping forever.
            SendStatus.Throttled when d.Attempts < options.MaxAttempts => (DeliveryStatus.Pending, now + (result.RetryAfter ?? FirstBackoff)),
            SendStatus.TransientFailure when d.Attempts < options.MaxAttempts => (DeliveryStatus.Pending, now + Backoff(d.Attempts)),
            SendStatus.Unreachable => (DeliveryStatus.Skipped, null),
            _ => (DeliveryStatus.Failed, null),
        };
        var sentAt = status == DeliveryStatus.Sent ? now : (DateTime?)null;
        await db.Deliveries.Where(x => x.Id == d.Id && x.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.SentAt, sentAt)
                .SetProperty(x => x.LockedUntil, retryAt)
                .SetProperty(x => x.LastError, Truncate(result.Error)), ct);

        if (result.Status == SendStatus.Unreachable && d.RecipientUserId is { } userId)
            await db.Users.Where(u => u.Id == userId && u.UnreachableSince == null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.UnreachableSince, now), ct);
        if (status != DeliveryStatus.Sent)
            log.LogInformation("Delivery {Key}: {Result} ({Error})", d.Key, result.Status, result.Error);
    }

    /// <summary>The stored reply; null when missing or unreadable (then the delivery fails instead of the whole job).</summary>
    private static Reply? ReadPayload(string? json)
    {
        try
        {
            return json is null ? null : JsonSerializer.Deserialize<Reply>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Truncate(string? error) => error is { Length: > 2000 } ? error[..2000] : error;

    private static TimeSpan Backoff(int attempts)
    {
        var backoff = FirstBackoff * Math.Pow(2, Math.Max(0, attempts - 1));
        return backoff < MaxBackoff ? backoff : MaxBackoff;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
