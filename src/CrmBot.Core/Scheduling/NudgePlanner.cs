using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Scheduling;

/// <summary>Why an item is in a nudge; stored in NudgeItem.Reason.</summary>
public static class NudgeReasons
{
    public const string Stale = "stale";
    public const string Neglected = "neglected";
    public const string Closing = "closing";
}

/// <summary>One deal or account a rep should look at.</summary>
public sealed record NudgeCandidate(
    int UserId, RecordKind Kind, int Id, string Name, string? AccountName, string Reason, int DaysUntouched,
    long? AmountCents, string Currency, DateOnly? ExpectedClose);

/// <summary>The top <see cref="NudgeOptions.MaxItems"/> items of one rep, most neglected first, and how many there were in all.</summary>
public sealed record NudgePlan(int UserId, DateOnly LocalDate, IReadOnlyList<NudgeCandidate> Items, int TotalItems);

/// <summary>
/// Finds what each rep should be nudged about (design.md 4 and 7), set-based for many reps at once:
/// four queries whatever the number of reps (open deals with their last touch, active accounts with
/// their last contact, live snoozes, recent nudges), then per-rep filtering in memory.
/// Last touch of a deal = the later of its LastModifiedAt and the latest completed activity on the
/// deal or its account; an account's last contact = the latest completed activity on it or its deals
/// (its creation when never contacted).
/// </summary>
public sealed class NudgePlanner(CrmDbContext db, NudgeOptions options)
{
    public async Task<IReadOnlyDictionary<int, NudgePlan>> PlanAsync(IReadOnlyCollection<User> reps, DateTime utcNow, CancellationToken ct)
    {
        var ids = reps.Select(r => r.Id).ToList();
        var candidates = new List<NudgeCandidate>();
        candidates.AddRange(await DealsAsync(ids, reps, utcNow, ct));
        candidates.AddRange(await AccountsAsync(ids, utcNow, ct));
        var suppressed = await SuppressedAsync(ids, reps, utcNow, ct);

        var byRep = candidates.Where(c => !suppressed.Contains((c.UserId, c.Kind, c.Id))).ToLookup(c => c.UserId);
        return reps.ToDictionary(r => r.Id, r =>
        {
            var items = byRep[r.Id]
                .OrderByDescending(c => c.DaysUntouched).ThenByDescending(c => c.AmountCents ?? -1).ThenBy(c => c.Name, StringComparer.Ordinal)
                .ToList();
            var today = DateOnly.FromDateTime(LocalSchedule.For(r, options).ToLocal(utcNow));
            return new NudgePlan(r.Id, today, items.Take(options.MaxItems).ToList(), items.Count);
        });
    }

    private async Task<List<NudgeCandidate>> DealsAsync(List<int> ids, IReadOnlyCollection<User> reps, DateTime utcNow, CancellationToken ct)
    {
        var deals = await db.Opportunities
            .Where(o => ids.Contains(o.OwnerId) && o.Stage != OpportunityStage.ClosedWon && o.Stage != OpportunityStage.ClosedLost)
            .Select(o => new
            {
                o.Id, o.Name, o.OwnerId, AccountName = o.Account != null ? o.Account.Name : null, o.LastModifiedAt,
                o.AmountCents, o.Currency, o.ExpectedCloseDate,
                LastOnDeal = db.Activities.Where(a => a.OpportunityId == o.Id && a.Status == ActivityStatus.Completed).Max(a => a.CompletedAt),
                LastOnAccount = db.Activities.Where(a => o.AccountId != null && a.AccountId == o.AccountId && a.Status == ActivityStatus.Completed).Max(a => a.CompletedAt),
            })
            .ToListAsync(ct);

        // Per rep once, not per deal: their stale threshold and local date.
        var repOf = reps.ToDictionary(r => r.Id, r => (
            Stale: TimeSpan.FromDays(r.StaleThresholdDays ?? options.StaleDays),
            Today: DateOnly.FromDateTime(LocalSchedule.For(r, options).ToLocal(utcNow))));
        var result = new List<NudgeCandidate>();
        foreach (var d in deals)
        {
            var (staleAfter, today) = repOf[d.OwnerId];
            var untouched = utcNow - Latest(d.LastModifiedAt, d.LastOnDeal, d.LastOnAccount);
            // design.md 7: closing within the window or overdue, touched lately or not (its date may still need moving); the
            // re-nudge interval and snoozes, applied to every item, keep it from coming back every day.
            var closing = d.ExpectedCloseDate is { } close && close <= today.AddDays(options.CloseWithinDays);
            var reason = untouched > staleAfter ? NudgeReasons.Stale : closing ? NudgeReasons.Closing : null;
            if (reason is not null)
                result.Add(new NudgeCandidate(d.OwnerId, RecordKind.Opportunity, d.Id, d.Name, d.AccountName, reason,
                    (int)untouched.TotalDays, d.AmountCents, d.Currency, d.ExpectedCloseDate));
        }
        return result;
    }

    /// <summary>
    /// Neglected accounts per rep. An account without an owner (imports without account owners) belongs to whoever owns a
    /// deal on it, as in the reports: each of those reps is nudged about it.
    /// </summary>
    private async Task<List<NudgeCandidate>> AccountsAsync(List<int> ids, DateTime utcNow, CancellationToken ct)
    {
        var wonSince = utcNow.AddDays(-365);
        var active = db.Accounts.Where(a => db.Opportunities.Any(o => o.AccountId == a.Id
            && (o.Stage < OpportunityStage.ClosedWon || (o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= wonSince))));
        var owned = active.Where(a => a.OwnerId != null && ids.Contains(a.OwnerId.Value))
            .Select(a => new AccountOfRep { Account = a, RepId = a.OwnerId!.Value });
        // One (account, rep) pair however many deals the rep has on it; the account's columns are read for the pairs only.
        var unowned = from pair in (from a in active
                                    where a.OwnerId == null
                                    from o in db.Opportunities
                                    where o.AccountId == a.Id && ids.Contains(o.OwnerId)
                                    select new { AccountId = a.Id, RepId = o.OwnerId }).Distinct()
                      join a in db.Accounts on pair.AccountId equals a.Id
                      select new AccountOfRep { Account = a, RepId = pair.RepId };

        var accounts = new List<AccountContacts>();
        foreach (var part in new[] { owned, unowned })
            accounts.AddRange(await part.Select(x => new AccountContacts
            {
                Id = x.Account.Id, Name = x.Account.Name, RepId = x.RepId, CreatedAt = x.Account.CreatedAt,
                LastOnAccount = db.Activities.Where(c => c.AccountId == x.Account.Id && c.Status == ActivityStatus.Completed).Max(c => c.CompletedAt),
                LastOnDeals = (from o in db.Opportunities
                               where o.AccountId == x.Account.Id
                               from c in db.Activities
                               where c.OpportunityId == o.Id && c.Status == ActivityStatus.Completed
                               select c.CompletedAt).Max(),
            }).ToListAsync(ct));

        return accounts
            .Select(a => (a, untouched: utcNow - Latest(a.CreatedAt, a.LastOnAccount, a.LastOnDeals)))
            .Where(x => x.untouched > TimeSpan.FromDays(options.NeglectedDays))
            .Select(x => new NudgeCandidate(x.a.RepId, RecordKind.Account, x.a.Id, x.a.Name, null, NudgeReasons.Neglected,
                (int)x.untouched.TotalDays, null, "USD", null))
            .ToList();
    }

    private sealed record AccountOfRep
    {
        public required Account Account { get; init; }
        public int RepId { get; init; }
    }

    /// <summary>A rep's account and when anyone last contacted it (on the account or one of its deals).</summary>
    private sealed record AccountContacts
    {
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public int RepId { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? LastOnAccount { get; init; }
        public DateTime? LastOnDeals { get; init; }
    }

    /// <summary>Items snoozed until after now, or nudged fewer than ReNudgeIntervalDays local days ago.</summary>
    private async Task<HashSet<(int, RecordKind, int)>> SuppressedAsync(List<int> ids, IReadOnlyCollection<User> reps, DateTime utcNow, CancellationToken ct)
    {
        var snoozed = await db.Snoozes
            .Where(s => ids.Contains(s.UserId) && s.Until > utcNow)
            .Select(s => new { s.UserId, s.OpportunityId, s.AccountId })
            .ToListAsync(ct);
        // One day of slack: the interval is counted in the rep's local days, converted below.
        var since = utcNow.AddDays(-options.ReNudgeIntervalDays - 1);
        var nudged = await db.NudgeItems
            .Where(n => ids.Contains(n.UserId) && n.NudgedAt > since)
            .Select(n => new { n.UserId, n.OpportunityId, n.AccountId, n.NudgedAt })
            .ToListAsync(ct);

        var schedules = reps.ToDictionary(r => r.Id, r => LocalSchedule.For(r, options));
        var set = new HashSet<(int, RecordKind, int)>();
        foreach (var s in snoozed)
            Add(set, s.UserId, s.OpportunityId, s.AccountId);
        foreach (var n in nudged)
        {
            var schedule = schedules[n.UserId];
            var nudgedOn = DateOnly.FromDateTime(schedule.ToLocal(n.NudgedAt));
            var today = DateOnly.FromDateTime(schedule.ToLocal(utcNow));
            if (today < nudgedOn.AddDays(options.ReNudgeIntervalDays))
                Add(set, n.UserId, n.OpportunityId, n.AccountId);
        }
        return set;
    }

    private static void Add(HashSet<(int, RecordKind, int)> set, int userId, int? opportunityId, int? accountId)
    {
        if (opportunityId is { } o) set.Add((userId, RecordKind.Opportunity, o));
        else if (accountId is { } a) set.Add((userId, RecordKind.Account, a));
    }

    private static DateTime Latest(DateTime first, params DateTime?[] others) =>
        others.Aggregate(first, (max, d) => d is { } v && v > max ? v : max);
}
