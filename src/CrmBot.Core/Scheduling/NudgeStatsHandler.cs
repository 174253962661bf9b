using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;
using CrmBot.Core.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// `nudge stats [period]` for managers (their teams) and admins (everyone): per rep, how many items
/// were nudged and what came of them. An item with no outcome a day after its nudge counts as ignored;
/// younger ones are still open.
/// </summary>
public sealed class NudgeStatsHandler(CrmDbContext db, TimeProvider time, IOptions<CrmOptions> options)
{
    public sealed record RepStats(int Id, string Name, int Nudged, int ActedOn, int Snoozed, int Ignored);

    /// <summary>Per rep of <paramref name="users"/>: the items nudged in [start, end) and what came of them.</summary>
    public static IQueryable<RepStats> Stats(CrmDbContext db, IQueryable<User> users, DateTime startUtc, DateTime endUtc, DateTime ignoredBefore) =>
        from n in db.NudgeItems
        join u in users on n.UserId equals u.Id
        where n.NudgedAt >= startUtc && n.NudgedAt < endUtc
        group n by new { u.Id, u.Name } into g
        select new RepStats(g.Key.Id, g.Key.Name, g.Count(),
            g.Count(n => n.Outcome == NudgeOutcome.ActedOn),
            g.Count(n => n.Outcome == NudgeOutcome.Snoozed),
            g.Count(n => n.Outcome == NudgeOutcome.Ignored || (n.Outcome == NudgeOutcome.None && n.NudgedAt < ignoredBefore)));

    public sealed record TeamPeriod(int TeamId, DateTime StartUtc, DateTime EndUtc, DateTime IgnoredBefore);

    // Compiled for a manager of one team, the usual asker: EF's work on the ad-hoc query was a third of the answer.
    internal static readonly CompiledDefinition<TeamPeriod, RepStats> OneTeam = new(
        (db, a) => Stats(db, db.Users.Where(u => u.TeamId == a.TeamId), a.StartUtc, a.EndUtc, a.IgnoredBefore),
        new TeamPeriod(1_000_003, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), new DateTime(2001, 3, 5, 6, 7, 8, DateTimeKind.Utc), new DateTime(2001, 4, 7, 8, 9, 10, DateTimeKind.Utc)),
        new TeamPeriod(2_000_029, new DateTime(2002, 5, 11, 12, 13, 14, DateTimeKind.Utc), new DateTime(2002, 6, 15, 16, 17, 18, DateTimeKind.Utc), new DateTime(2002, 7, 19, 20, 21, 22, DateTimeKind.Utc)));

    public async Task<Reply> HandleAsync(NudgeStatsCommand cmd, Asker asker, ChatContext ctx, CancellationToken ct)
    {
        var f = Formats.For(cmd.Language ?? asker.Language);
        var zh = f.IsChinese;
        if (asker.Role == UserRole.Rep)
            return new Reply
            {
                Kind = ReplyKind.Refusal, Language = f.Language, Title = zh ? "無法查看" : "Not available",
                Text = zh ? "只有主管和管理員可以查看提醒統計。" : "Nudge stats are for managers and admins.", Visibility = Visibility.Private,
            };

        var now = time.GetUtcNow().UtcDateTime;
        // Periods as every report reads them (fiscal quarters, the asker's zone); by default the last 30 days.
        var periods = new PeriodResolver(Zones.Find(asker.TimeZone), time.GetUtcNow(), options.Value.FiscalYearStartMonth, f);
        var today = periods.Today;
        var resolved = periods.Resolve(cmd.Period, PeriodKind.LastNDays);
        if (resolved.HasNotStarted)
            return new Reply
            {
                Kind = ReplyKind.Error, Language = f.Language, Title = zh ? "抱歉" : "Sorry",
                Text = new PeriodNotStarted(resolved.Label).Text(zh), Visibility = Visibility.Private,
            };
        var (startUtc, endUtc) = (resolved.StartUtc, resolved.EndUtc);
        var ignoredBefore = now.AddDays(-1);

        var teams = asker.ManagedTeamIds.ToList();
        var stats = asker.Role != UserRole.Admin && teams is [var team]
            ? await OneTeam.ToListAsync(db, new TeamPeriod(team, startUtc, endUtc, ignoredBefore), ct)
            : await Stats(db, asker.Role == UserRole.Admin ? db.Users : db.Users.Where(u => u.TeamId != null && teams.Contains(u.TeamId.Value)),
                startUtc, endUtc, ignoredBefore).ToListAsync(ct);
        stats = stats.OrderByDescending(s => s.Nudged).ThenBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id).ToList();   // pages never swap ties

        var title = zh ? "提醒統計" : "Nudge stats";
        var scope = asker.Role == UserRole.Admin ? zh ? "所有團隊" : "All teams" : zh ? "我的團隊" : "My teams";
        var period = resolved.Label;
        Cell Count(int n) => new(f.Count(n), ValueKind.Count, n);
        // A page of reps at a time, as every report's table: an admin's has a row per rep in the company.
        var offset = Math.Clamp(cmd.Offset, 0, Math.Max(0, stats.Count));
        var rows = stats.Skip(offset).Take(ReportRequest.PageSize).Select(s => new Row(
        [
            new Cell(s.Name, Record: new RecordRef(RecordKind.User, s.Id, s.Name)),
            Count(s.Nudged), Count(s.ActedOn), Count(s.Snoozed), Count(s.Ignored),
            new Cell(f.Percent((double)s.ActedOn / s.Nudged), ValueKind.Percent, (decimal)s.ActedOn / s.Nudged),
        ])).ToList();
        int total = stats.Sum(s => s.Nudged), acted = stats.Sum(s => s.ActedOn);
        var report = new ReportResult
        {
            Kind = ReportKind.NudgeStats, Language = f.Language, Title = title, Scope = scope, Period = period,
            PeriodStart = new DateTimeOffset(startUtc, TimeSpan.Zero), PeriodEnd = new DateTimeOffset(endUtc, TimeSpan.Zero), AsOf = today,
            Context = $"{scope} · {period} · {f.AsOf(today)}",
            Facts =
            [
                new Fact(zh ? "提醒項目" : "Items nudged", Count(total)),
                new Fact(zh ? "已處理比例" : "Acted on", new Cell(f.Percent(total == 0 ? null : (double)acted / total), ValueKind.Percent)),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new Column(zh ? "業務" : "Rep"), new Column(zh ? "提醒" : "Nudged", ValueKind.Count),
                        new Column(zh ? "已處理" : "Acted on", ValueKind.Count), new Column(zh ? "已延後" : "Snoozed", ValueKind.Count),
                        new Column(zh ? "未理會" : "Ignored", ValueKind.Count), new Column(zh ? "處理率" : "Acted-on rate", ValueKind.Percent),
                    ],
                    Rows = rows, Offset = offset, TotalRows = stats.Count,
                    NextPage = offset + ReportRequest.PageSize < stats.Count
                        ? new ReportRequest(ReportKind.NudgeStats) { Period = cmd.Period, Offset = offset + ReportRequest.PageSize }
                        : null,
                },
            ],
            HasPersonalRecords = true,
        };
        return new Reply { Kind = ReplyKind.Report, Language = f.Language, Title = title, Report = report, Visibility = ctx.IsPersonal ? Visibility.Conversation : Visibility.Private };
    }
}
