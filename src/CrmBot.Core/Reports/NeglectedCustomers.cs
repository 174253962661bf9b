using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Active accounts in scope (an open deal, or a deal won in the last 365 days) with no completed activity on the
/// account or its deals for more than N days (default 30); never-contacted accounts count from their creation.
/// </summary>
public static class NeglectedCustomers
{
    public const int DefaultThresholdDays = 30;

    public sealed record Item
    {
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public int? OwnerId { get; init; }
        public string? Owner { get; init; }
        public DateTime? LastContact { get; init; }
        public DateTime Since { get; init; }
        public int OpenDeals { get; init; }
    }

    public static int Threshold(ReportInput input) => Math.Max(0, input.Request.ThresholdDays ?? DefaultThresholdDays);

    public static IQueryable<Item> Query(CrmDbContext db, ReportScope scope, DateTime nowUtc, int thresholdDays)
    {
        var cutoff = nowUtc.AddDays(-thresholdDays);
        var wonSince = nowUtc.AddDays(-365);
        var opportunities = db.Opportunities;
        var completed = db.Activities.Where(a => a.Status == ActivityStatus.Completed && a.CompletedAt <= nowUtc);
        return db.Accounts.InScope(opportunities, scope)
            .Select(a => new
            {
                Account = a,
                // The stored last contact (LastTouch keeps it) is the answer unless it is later than now, which only a
                // report run "as of" a past moment sees; for those rows only, the activities are searched again up to
                // the clock: the account's and its deals', one MAX over a UNION ALL of index seeks. No ORDER BY … LIMIT 1 on
                // the join: SQLite would then walk the (Status, CompletedAt) index over every activity to avoid a sort.
                LastContact = a.LastContactAt == null || a.LastContactAt <= nowUtc
                    ? a.LastContactAt
                    : completed.Where(c => c.AccountId == a.Id).Select(c => c.CompletedAt)
                        .Concat(from o in opportunities where o.AccountId == a.Id
                                from c in completed where c.OpportunityId == o.Id
                                select c.CompletedAt)
                        .Max(),
            })
            .Select(x => new { x.Account, x.LastContact, Since = x.LastContact ?? x.Account.CreatedAt })
            // The cheap column test first: only accounts not contacted lately are checked for being active.
            .Where(x => x.Since < cutoff)
            .Where(x => opportunities.Any(o => o.AccountId == x.Account.Id
                && (o.Stage != OpportunityStage.ClosedWon && o.Stage != OpportunityStage.ClosedLost
                    || o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= wonSince && o.ClosedAt <= nowUtc)))
            .OrderBy(x => x.Since).ThenBy(x => x.Account.Name).ThenBy(x => x.Account.Id)
            .Select(x => new Item
            {
                Id = x.Account.Id, Name = x.Account.Name, OwnerId = x.Account.OwnerId, Owner = x.Account.Owner!.Name,
                LastContact = x.LastContact, Since = x.Since,
                OpenDeals = opportunities.Count(o => o.AccountId == x.Account.Id
                    && o.Stage != OpportunityStage.ClosedWon && o.Stage != OpportunityStage.ClosedLost),
            });
    }

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var items = Query(db, input.Scope, input.NowUtc, Threshold(input));
        return [items.Skip(input.Offset).Take(ReportInput.PageSize), items];
    }

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var threshold = Threshold(input);
        var items = Query(db, input.Scope, input.NowUtc, threshold);
        var page = await items.Skip(input.Offset).Take(ReportInput.PageSize).ToListAsync(ct);
        var total = await items.CountAsync(ct);
        var never = input.T("never", "從未");

        var rows = page.Select(i =>
        {
            var account = input.Ref(RecordKind.Account, i.Id, i.Name);
            return input.RecordRow(account, i.OwnerId,
                new Cell(i.Name, Record: account), input.Text(i.Owner),
                i.LastContact is { } last ? input.Date(last) : Cell.Of(never),
                input.Days((int)Math.Floor((input.NowUtc - i.Since).TotalDays)),
                input.Count(i.OpenDeals));
        }).ToList();

        return input.Result(input.T($"Neglected customers (no contact for over {threshold} days)", $"被忽略的客戶（超過 {threshold} 天未聯繫）"), withPeriod: false) with
        {
            Facts = [new Fact(input.T("Neglected customers", "被忽略的客戶"), input.Count(total))],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new(input.T("Account", "客戶")), new(input.T("Owner", "負責人")), new(input.T("Last contact", "上次聯繫"), ValueKind.Date),
                        new(input.T("Days without contact", "未聯繫天數"), ValueKind.Days), new(input.T("Open deals", "進行中商機"), ValueKind.Count),
                    ],
                    Rows = rows, Offset = input.Offset, TotalRows = total, NextPage = input.NextPage(total),
                },
            ],
            Actions = [new SuggestedAction(input.T("Stale deals", "停滯商機"), input.T("my stale deals", "我的停滯商機"))],
            HasPersonalRecords = true,
        };
    }
}
