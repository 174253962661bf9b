using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// The recurring scheduled-post job (reentrant): each active subscription whose local time has come
/// today posts its team's leaderboard for the period that just ended, once, keyed
/// "post:{subscriptionId}:{occurrence yyyy-MM-dd}" in the outbox. Channel posts carry team aggregates only.
/// </summary>
public sealed class ScheduledPostJob(CrmDbContext db, DeliveryOutbox outbox, TimeProvider time)
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

    public async Task<Reply> BuildAsync(ChannelSubscription sub, DateOnly occurrence, CancellationToken ct)
    {
        var f = Formats.For(sub.Language);
        var zh = f.IsChinese;
        var zone = Zones.Find(sub.TimeZone);
        var (start, end) = PeriodOf(sub.Frequency, occurrence);
        var startUtc = Zones.ToUtc(start.ToDateTime(TimeOnly.MinValue), zone);
        var endUtc = Zones.ToUtc(end.ToDateTime(TimeOnly.MinValue), zone);
        var board = await TeamLeaderboard.RankAsync(db, sub.TeamId, startUtc, endUtc, ct);
        var teamName = await db.Teams.Where(t => t.Id == sub.TeamId).Select(t => t.Name).SingleAsync(ct);

        var title = zh ? "團隊排行榜" : "Team leaderboard";
        var scope = zh ? $"{teamName} 團隊" : $"Team {teamName}";
        var period = $"{f.Date(start)} – {f.Date(end.AddDays(-1))}";
        var report = new ReportResult
        {
            Kind = ReportKind.Leaderboard,
            Language = f.Language,
            Title = title,
            Scope = scope,
            Period = period,
            PeriodStart = new DateTimeOffset(startUtc, TimeSpan.Zero),
            PeriodEnd = new DateTimeOffset(endUtc, TimeSpan.Zero),
            AsOf = occurrence,
            Context = $"{scope} · {period} · {f.AsOf(occurrence)}",
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new Column(zh ? "名次" : "Rank", ValueKind.Rank), new Column(zh ? "業務" : "Rep"),
                        new Column(zh ? "贏單數" : "Won", ValueKind.Count), new Column(zh ? "贏單金額" : "Won amount", ValueKind.Money),
                        new Column(zh ? "贏率" : "Win rate", ValueKind.Percent), new Column(zh ? "名次變化" : "Change", ValueKind.Change),
                    ],
                    Rows = board.Lines.Select(l => new Row(
                    [
                        new Cell(f.Count(l.Rank), ValueKind.Rank, l.Rank),
                        new Cell(l.Name, Record: new RecordRef(RecordKind.User, l.UserId, l.Name)),
                        new Cell(f.Count(l.WonCount), ValueKind.Count, l.WonCount),
                        new Cell(f.MoneyCents(l.WonCents, board.Currency), ValueKind.Money, l.WonCents / 100m, board.Currency),
                        new Cell(f.Percent(l.WinRate), ValueKind.Percent, l.WinRate is { } r ? (decimal)r : null),
                        new Cell(Movement(l.Movement), ValueKind.Change, l.Movement),
                    ])).ToList(),
                    TotalRows = board.Lines.Count,
                }.WithEvenMoney(f),
            ],
            Notes = board.MixedCurrencies ? [zh ? "贏單金額含多種幣別，已直接加總。" : "Won amounts span several currencies and are summed as is."] : [],
        };
        return new Reply { Kind = ReplyKind.Report, Language = f.Language, Title = title, Report = report };
    }

    private static string Movement(int places) => places switch
    {
        > 0 => $"▲{places}",
        < 0 => $"▼{-places}",
        _ => "–",
    };
}
