using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// The recurring nudge job (every few minutes, reentrant): every rep whose local nudge time has come
/// today (working day, outside quiet hours, nudges on, reachable, linked on a channel we can send on)
/// gets one DM per local date, keyed "nudge:{userId}:{yyyy-MM-dd}" in the outbox.
/// </summary>
public sealed class NudgeDispatcher(CrmDbContext db, NudgePlanner planner, DeliveryOutbox outbox, NudgeOptions options, TimeProvider time)
{
    public static string KeyOf(int userId, DateOnly localDate) => $"nudge:{userId}:{localDate:yyyy-MM-dd}";

    /// <summary>Runs one tick; returns the number of nudges sent by this call.</summary>
    // No Hangfire retries: the next tick (minutes later) runs again, and the outbox retries sends itself.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var sent = await outbox.RecoverAsync(ct);

        var due = await DueRepsAsync(now, ct);
        if (due.Count == 0)
            return sent;
        var plans = await planner.PlanAsync(due.Select(d => d.Rep).ToList(), now, ct);
        foreach (var (rep, platform, date) in due)
        {
            var plan = plans[rep.Id];
            var delivery = new Delivery
            {
                Key = KeyOf(rep.Id, date), Kind = DeliveryKind.Nudge, Platform = platform, RecipientUserId = rep.Id, LocalDate = date,
                // Nothing to nudge about is recorded too, so later ticks today do not plan this rep again.
                Status = plan.Items.Count == 0 ? DeliveryStatus.Skipped : DeliveryStatus.Pending,
                Items = plan.Items.Select(i => new NudgeItem
                {
                    UserId = rep.Id, Reason = i.Reason,
                    OpportunityId = i.Kind == RecordKind.Opportunity ? i.Id : null,
                    AccountId = i.Kind == RecordKind.Account ? i.Id : null,
                }).ToList(),
            };
            var reply = plan.Items.Count == 0 ? null : NudgeMessage.Build(plan, rep);
            if (await outbox.TryRecordAsync(delivery, reply, ct) is { Status: DeliveryStatus.Pending } recorded
                && await outbox.SendAsync(recorded.Id, ct) == SendStatus.Sent)
                sent++;
        }
        return sent;
    }

    private async Task<List<(User Rep, ChatPlatform Platform, DateOnly Date)>> DueRepsAsync(DateTime now, CancellationToken ct)
    {
        var users = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && u.NudgesEnabled && u.UnreachableSince == null)
            .ToListAsync(ct);
        var platformOf = await outbox.DmPlatformsAsync(ct);

        var due = users
            .Where(u => platformOf.ContainsKey(u.Id))
            .Select(u => (Rep: u, Platform: platformOf[u.Id], Date: LocalSchedule.For(u, options).NudgeDueDate(now)))
            .Where(x => x.Date is not null)
            .Select(x => (x.Rep, x.Platform, Date: x.Date!.Value))
            .ToList();
        var keys = due.Select(x => KeyOf(x.Rep.Id, x.Date)).ToList();
        var done = (await db.Deliveries.Where(d => keys.Contains(d.Key)).Select(d => d.Key).ToListAsync(ct)).ToHashSet();
        return due.Where(x => !done.Contains(KeyOf(x.Rep.Id, x.Date))).ToList();
    }
}
