using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;
using CrmBot.Core.Time;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// The recurring scheduled-post job (reentrant): each active subscription whose local time has come
/// today posts its team's leaderboard for the period that just ended (or its pipeline as it stands), once, keyed
/// "post:{subscriptionId}:{occurrence yyyy-MM-dd}" in the outbox. Channel posts carry team aggregates only.
/// </summary>
public sealed class ScheduledPostJob(CrmDbContext db, DeliveryOutbox outbox, TimeProvider time, IOptions<CrmOptions> crm)
{
    public static string KeyOf(int subscriptionId, DateOnly occurrence) => $"post:{subscriptionId}:{occurrence:yyyy-MM-dd}";

    // No Hangfire retries: the next tick (minutes later) runs again, and the outbox retries sends itself.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var sent = await outbox.RecoverAsync(ct);
        var platforms = outbox.Platforms.ToList();
        var subscriptions = await db.ChannelSubscriptions.AsNoTracking()
            .Where(s => s.IsActive && platforms.Contains(s.Platform))
            .ToListAsync(ct);
        var due = subscriptions
            .Select(s => (Sub: s, Occurrence: DueOccurrence(s, now)))
            .Where(x => x.Occurrence is not null)
            .Select(x => (x.Sub, Occurrence: x.Occurrence!.Value))
            .ToList();
        var keys = due.Select(x => KeyOf(x.Sub.Id, x.Occurrence)).ToList();
        var done = (await db.Deliveries.Where(d => keys.Contains(d.Key)).Select(d => d.Key).ToListAsync(ct)).ToHashSet();

        foreach (var (sub, occurrence) in due.Where(x => !done.Contains(KeyOf(x.Sub.Id, x.Occurrence))))
        {
            var reply = await BuildAsync(sub, occurrence, ct);
            var delivery = new Delivery
            {
                Key = KeyOf(sub.Id, occurrence), Kind = DeliveryKind.ScheduledPost, Platform = sub.Platform,
                SubscriptionId = sub.Id, LocalDate = occurrence, Status = DeliveryStatus.Pending,
            };
            if (await outbox.TryRecordAsync(delivery, reply, ct) is { } recorded && await outbox.SendAsync(recorded.Id, ct) == SendStatus.Sent)
                sent++;
        }
        return sent;
    }

    /// <summary>Today's local date when this subscription's post is due now (right day, time reached).</summary>
    public static DateOnly? DueOccurrence(ChannelSubscription sub, DateTime utcNow)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, Zones.Find(sub.TimeZone));
        var today = DateOnly.FromDateTime(local);
        var rightDay = sub.Frequency switch
        {
            SubscriptionFrequency.Daily => true,
            SubscriptionFrequency.Weekly => local.DayOfWeek == (sub.DayOfWeek ?? DayOfWeek.Monday),
            // Day 31 in a 30-day month posts on its last day.
            _ => today.Day == Math.Min(sub.DayOfMonth ?? 1, DateTime.DaysInMonth(today.Year, today.Month)),
        };
        return rightDay && TimeOnly.FromDateTime(local) >= sub.TimeOfDay ? today : null;
    }

    /// <summary>The period that ended at the start of the occurrence day: the previous day, 7 days or month.</summary>
    public static (DateOnly Start, DateOnly End) PeriodOf(SubscriptionFrequency frequency, DateOnly occurrence) => frequency switch
    {
        SubscriptionFrequency.Daily => (occurrence.AddDays(-1), occurrence),
        SubscriptionFrequency.Weekly => (occurrence.AddDays(-7), occurrence),
        _ => (occurrence.AddMonths(-1), occurrence),
    };

    public Task<Reply> BuildAsync(ChannelSubscription sub, DateOnly occurrence, CancellationToken ct) =>
        sub.Report == nameof(ReportKind.Pipeline) ? PipelineAsync(sub, ct) : LeaderboardAsync(sub, occurrence, ct);

    /// <summary>
    /// The team's open pipeline now: the pipeline report's figures and its table by stage. Its table and chart by owner
    /// are left out (a channel post carries team aggregates only), and so are its buttons, as on the leaderboard post.
    /// </summary>
    private async Task<Reply> PipelineAsync(ChannelSubscription sub, CancellationToken ct)
    {
        var f = Formats.For(sub.Language);
        var scope = await ReportScope.ForTeamsAsync(db, [sub.TeamId], f, ct);
        // Read for the team, not as the manager who subscribed: nobody's own row buttons, the subscription's time zone.
        var team = new Asker(0, scope.Label, "", UserRole.Manager, sub.TeamId, [sub.TeamId], sub.TimeZone, f.Language, null);
        var input = ReportRunner.Prepare(new ReportRequest(ReportKind.Pipeline), team, scope, f, time.GetUtcNow(), crm.Value);
        var result = await Pipeline.RunAsync(db, input, ct);
        var report = result with { Tables = [.. result.Tables.Take(1).Select(t => t.WithEvenMoney(f))], Chart = null, Actions = [] };
        return new Reply { Kind = ReplyKind.Report, Language = f.Language, Title = report.Title, Report = report };
    }

    private async Task<Reply> LeaderboardAsync(ChannelSubscription sub, DateOnly occurrence, CancellationToken ct)
    {
        var f = Formats.For(sub.Language);
        var zh = f.IsChinese;
        var zone = Zones.Find(sub.TimeZone);
        var (start, end) = PeriodOf(sub.Frequency, occurrence);
        var startUtc = Zones.ToUtc(start.ToDateTime(TimeOnly.MinValue), zone);
        var endUtc = Zones.ToUtc(end.ToDateTime(TimeOnly.MinValue), zone);
        var period = $"{f.Date(start)} – {f.Date(end.AddDays(-1))}";
        // The same ranking as the leaderboard report (one currency ranks, others shown beside it), for the team's scope.
        var scope = await ReportScope.ForTeamsAsync(db, [sub.TeamId], f, ct);
        var (standings, currency, stats) = await Leaderboard.RankAsync(db, scope,
            new ResolvedPeriod(startUtc, endUtc, start, end, period), new PeriodResolver(zone, time.GetUtcNow(), crm.Value.FiscalYearStartMonth, f),
            crm.Value.DefaultCurrency, ct);

        var title = zh ? "團隊排行榜" : "Team leaderboard";
        var report = new ReportResult
        {
            Kind = ReportKind.Leaderboard,
            Language = f.Language,
            Title = title,
            Scope = scope.Label,
            Period = period,
            PeriodStart = new DateTimeOffset(startUtc, TimeSpan.Zero),
            PeriodEnd = new DateTimeOffset(endUtc, TimeSpan.Zero),
            AsOf = occurrence,
            Context = $"{scope.Label} · {period} · {f.AsOf(occurrence)}",
            Tables =
            [
                new ResultTable
                {
                    Columns = Leaderboard.Columns(f),
                    Rows = standings.Select(s => new Row(Leaderboard.Cells(s, currency, new RecordRef(RecordKind.User, s.UserId, s.Name), f))).ToList(),
                    TotalRows = standings.Count,
                }.WithEvenMoney(f),
            ],
            Notes = Leaderboard.CurrencyNotes(stats, currency, f),
        };
        return new Reply { Kind = ReplyKind.Report, Language = f.Language, Title = title, Report = report };
    }
}
