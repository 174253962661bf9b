using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Active accounts in scope (an open deal, or a deal won in the last 365 days) with no completed activity on the
/// account or its deals for more than N days (default 30, set by the admin); never-contacted accounts count from their creation.
/// </summary>
public static class NeglectedCustomers
{
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

    public static int Threshold(ReportInput input) => Math.Max(0, input.Request.ThresholdDays ?? input.Thresholds.NeglectedDays);

    /// <summary>What counting and ordering neglected customers needs.</summary>
    public sealed record Key
    {
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public DateTime? LastContact { get; init; }
        public DateTime Since { get; init; }
    }

    /// <summary>
    /// Neglected customers of the scope as three disjoint parts, each a seek in the (LastContactAt, CreatedAt) index:
    /// <list type="bullet">
    /// <item>contacted before the cutoff: a stored last contact (LastTouch keeps it) not later than now is the answer;</item>
    /// <item>never contacted and created before the cutoff: they count from their creation;</item>
    /// <item>a stored value later than now, seen only by a report "as of" an earlier clock: only these rows search the
    /// activities again, bounded by the clock (the account's and its deals', one MAX over a UNION ALL of index seeks; no
    /// ORDER BY … LIMIT 1 on the join: SQLite would then walk the (Status, CompletedAt) index over every activity).</item>
    /// </list>
    /// Only the accounts not contacted lately are then checked for being active.
    /// </summary>
    private static IQueryable<Key>[] Parts(CrmDbContext db, ReportScope scope, DateTime nowUtc, int thresholdDays)
    {
        var cutoff = nowUtc.AddDays(-thresholdDays);
        var wonSince = nowUtc.AddDays(-365);
        var opportunities = db.Opportunities;
        var completed = db.Activities.Where(a => a.Status == ActivityStatus.Completed && a.CompletedAt <= nowUtc);
        var accounts = db.Accounts.InScope(opportunities, scope)
            .Where(a => opportunities.Any(o => o.AccountId == a.Id
                && (o.Stage < OpportunityStage.ClosedWon // open stages
                    || o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= wonSince && o.ClosedAt <= nowUtc)));
        var contacted = accounts.Where(a => a.LastContactAt < cutoff)
            .Select(a => new Key { Id = a.Id, Name = a.Name, LastContact = a.LastContactAt, Since = a.LastContactAt!.Value });
        var never = accounts.Where(a => a.LastContactAt == null && a.CreatedAt < cutoff)
            .Select(a => new Key { Id = a.Id, Name = a.Name, LastContact = null, Since = a.CreatedAt });
        var asOfEarlierClock = accounts.Where(a => a.LastContactAt > nowUtc)
            .Select(a => new
            {
                a.Id, a.Name, a.CreatedAt,
                LastContact = completed.Where(c => c.AccountId == a.Id).Select(c => c.CompletedAt)
                    .Concat(from o in opportunities where o.AccountId == a.Id
                            from c in completed where c.OpportunityId == o.Id
                            select c.CompletedAt)
                    .Max(),
            })
            .Select(x => new Key { Id = x.Id, Name = x.Name, LastContact = x.LastContact, Since = x.LastContact ?? x.CreatedAt })
            .Where(k => k.Since < cutoff);
        return [contacted, never, asOfEarlierClock];
    }

    /// <summary>The neglected customers' ids (to count): without the name, each part reads its index alone.</summary>
    public static IQueryable<int> Ids(CrmDbContext db, ReportScope scope, DateTime nowUtc, int thresholdDays)
    {
        var parts = Parts(db, scope, nowUtc, thresholdDays).Select(part => part.Select(k => k.Id)).ToArray();
        return parts[0].Concat(parts[1]).Concat(parts[2]);
    }

    /// <summary>
    /// One page, longest without contact first. Each part is cut to the page's end in its own order before the parts are
    /// merged, so a page never sorts every neglected customer.
    /// </summary>
    public static IQueryable<Item> Page(CrmDbContext db, ReportScope scope, DateTime nowUtc, int thresholdDays, int offset)
    {
        var end = ReportInput.PageEndAfter(offset);
        var parts = Parts(db, scope, nowUtc, thresholdDays)
            .Select(part => part.OrderBy(k => k.Since).ThenBy(k => k.Name).ThenBy(k => k.Id).Take(end)).ToArray();
        return parts[0].Concat(parts[1]).Concat(parts[2])
            .OrderBy(k => k.Since).ThenBy(k => k.Name).ThenBy(k => k.Id).Skip(offset).Take(ReportRequest.PageSize)
            .Join(db.Accounts, k => k.Id, a => a.Id, (k, a) => new { k, a })
            .OrderBy(x => x.k.Since).ThenBy(x => x.k.Name).ThenBy(x => x.k.Id)
            .Select(x => new Item
            {
                Id = x.a.Id, Name = x.a.Name, OwnerId = x.a.OwnerId, Owner = x.a.Owner!.Name, LastContact = x.k.LastContact, Since = x.k.Since,
                OpenDeals = db.Opportunities.Count(o => o.AccountId == x.a.Id && o.Stage < OpportunityStage.ClosedWon),
            });
    }

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var threshold = Threshold(input);
        return [Page(db, input.Scope, input.NowUtc, threshold, input.Offset), Ids(db, input.Scope, input.NowUtc, threshold)];
    }

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var threshold = Threshold(input);
        var page = await Page(db, input.Scope, input.NowUtc, threshold, input.Offset).ToListAsync(ct);
        var total = await Ids(db, input.Scope, input.NowUtc, threshold).CountAsync(ct);
        var never = input.T("never", "從未");
        // An account without an owner is the asker's to act on (log, snooze) when they own a deal on it, as for the nudges.
        var unowned = page.Where(i => i.OwnerId is null).Select(i => i.Id).ToList();
        var dealtWith = unowned.Count == 0 ? [] : (await db.Opportunities
            .Where(o => o.OwnerId == input.Asker.UserId && o.AccountId != null && unowned.Contains(o.AccountId.Value))
            .Select(o => o.AccountId!.Value).Distinct().ToListAsync(ct)).ToHashSet();

        var rows = page.Select(i =>
        {
            var account = input.Ref(RecordKind.Account, i.Id, i.Name);
            return input.RecordRow(account, i.OwnerId ?? (dealtWith.Contains(i.Id) ? input.Asker.UserId : null),
                new Cell(i.Name, Record: account), input.Text(i.Owner),
                i.LastContact is { } last ? input.Date(last) : Cell.Of(never),
                input.Days((int)Math.Floor((input.NowUtc - i.Since).TotalDays)),
                input.Count(i.OpenDeals));
        }).ToList();

        return input.Result(input.T($"Neglected customers (no contact for over {input.F.Days(threshold)})", $"被忽略的客戶（超過 {threshold} 天未聯繫）"), withPeriod: false) with
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
