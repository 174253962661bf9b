using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// Weekly escalation (optional, per team: NudgeOptions.EscalationTeams): on EscalationDay at their
/// nudge time, each manager of an escalating team gets one DM listing open deals of their reps that
/// were nudged EscalationAfter times or more with nothing logged since (no completed activity on the
/// deal after those nudges, and no button pressed on them). Keyed "escalation:{managerId}:{yyyy-MM-dd}".
/// </summary>
public sealed class EscalationJob(CrmDbContext db, DeliveryOutbox outbox, NudgeOptions options, TimeProvider time)
{
    public static string KeyOf(int managerId, DateOnly localDate) => $"escalation:{managerId}:{localDate:yyyy-MM-dd}";

    // No Hangfire retries: the next tick (minutes later) runs again, and the outbox retries sends itself.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (options.EscalationTeams.Length == 0)
            return 0;
        var now = time.GetUtcNow().UtcDateTime;
        var sent = await outbox.RecoverAsync(ct);
        var teams = (await db.Teams.AsNoTracking().Where(t => t.ManagerId != null).ToListAsync(ct))
            .Where(t => options.EscalatesTeam(t.Name)).ToList();
        var managerIds = teams.Select(t => t.ManagerId!.Value).Distinct().ToList();
        var managers = await db.Users.AsNoTracking()
            .Where(u => managerIds.Contains(u.Id) && u.IsActive && u.UnreachableSince == null).ToListAsync(ct);
        var platformOf = await outbox.DmPlatformsAsync(ct);

        foreach (var manager in managers.Where(m => platformOf.ContainsKey(m.Id)))
        {
            var schedule = LocalSchedule.For(manager, options);
            if (schedule.NudgeDueDate(now) is not { } date || date.DayOfWeek != options.EscalationDay)
                continue;
            var key = KeyOf(manager.Id, date);
            if (await db.Deliveries.AnyAsync(d => d.Key == key, ct))
                continue;
            var teamIds = teams.Where(t => t.ManagerId == manager.Id).Select(t => t.Id).ToList();
            var deals = await EscalatedDealsAsync(teamIds, ct);
            var delivery = new Delivery
            {
                Key = key, Kind = DeliveryKind.Escalation, Platform = platformOf[manager.Id], RecipientUserId = manager.Id, LocalDate = date,
                Status = deals.Count == 0 ? DeliveryStatus.Skipped : DeliveryStatus.Pending,
            };
            var reply = deals.Count == 0 ? null : Build(deals, manager, date);
            if (await outbox.TryRecordAsync(delivery, reply, ct) is { Status: DeliveryStatus.Pending } recorded
                && await outbox.SendAsync(recorded.Id, ct) == SendStatus.Sent)
                sent++;
        }
        return sent;
    }

    public sealed record EscalatedDeal(int Id, string Name, string OwnerName, int TimesNudged, DateTime? LastActivity);

    public async Task<List<EscalatedDeal>> EscalatedDealsAsync(IReadOnlyCollection<int> teamIds, CancellationToken ct)
    {
        var after = options.EscalationAfter;
        var rows = await db.Opportunities
            .Where(o => o.Stage != OpportunityStage.ClosedWon && o.Stage != OpportunityStage.ClosedLost
                        && o.Owner!.TeamId != null && teamIds.Contains(o.Owner.TeamId.Value))
            .Select(o => new
            {
                o.Id, o.Name, OwnerName = o.Owner!.Name,
                LastActivity = db.Activities.Where(a => a.OpportunityId == o.Id && a.Status == ActivityStatus.Completed).Max(a => a.CompletedAt),
            })
            .Select(x => new
            {
                x.Id, x.Name, x.OwnerName, x.LastActivity,
                Times = db.NudgeItems.Count(n => n.OpportunityId == x.Id
                    && (n.Outcome == NudgeOutcome.None || n.Outcome == NudgeOutcome.Ignored)
                    && (x.LastActivity == null || n.NudgedAt > x.LastActivity)),
            })
            .Where(x => x.Times >= after)
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.Times).ThenBy(r => r.OwnerName, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new EscalatedDeal(r.Id, r.Name, r.OwnerName, r.Times, r.LastActivity)).ToList();
    }

    private Reply Build(List<EscalatedDeal> deals, User manager, DateOnly date)
    {
        var f = Formats.For(manager.Language);
        var zh = f.IsChinese;
        var title = zh ? $"多次提醒仍未處理的商機（{options.EscalationAfter} 次以上）" : $"Deals nudged {options.EscalationAfter}+ times with nothing logged";
        var scope = zh ? "我的團隊" : "My teams";
        var report = new ReportResult
        {
            Kind = ReportKind.StaleDeals, Language = f.Language, Title = title, Scope = scope, AsOf = date,
            Context = $"{scope} · {f.AsOf(date)}",
            Tables =
            [
                new ResultTable
                {
                    Columns = [new Column(zh ? "商機" : "Deal"), new Column(zh ? "業務" : "Rep"), new Column(zh ? "提醒次數" : "Times nudged", ValueKind.Count)],
                    Rows = deals.Select(d =>
                    {
                        var record = new RecordRef(RecordKind.Opportunity, d.Id, d.Name);
                        return new Row([new Cell(d.Name, Record: record), Cell.Of(d.OwnerName), new Cell(f.Count(d.TimesNudged), ValueKind.Count, d.TimesNudged)])
                        {
                            Record = record,
                            Actions = [new RowAction(RowActionKind.OpenInCrm, zh ? "在 CRM 開啟" : "Open in CRM", record)],
                        };
                    }).ToList(),
                    TotalRows = deals.Count,
                },
            ],
            HasPersonalRecords = true,
        };
        return new Reply { Kind = ReplyKind.Nudge, Language = f.Language, Title = title, Report = report, Visibility = Visibility.Private };
    }
}
