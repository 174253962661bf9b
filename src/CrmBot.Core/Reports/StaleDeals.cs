using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Open deals in scope whose last touch is more than N days ago (default 14, set by the admin). Last touch = the later of the deal's
/// last-modified time and the latest completed activity on the deal or its account (completed by now).
/// Sorted by days since last touch (most neglected first), then amount.
/// </summary>
public static class StaleDeals
{
    // Init-only properties (not a positional record): EF can then see through the projection for totals.
    public sealed record Item
    {
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public string? Account { get; init; }
        public int OwnerId { get; init; }
        public string Owner { get; init; } = "";
        public OpportunityStage Stage { get; init; }
        public long? AmountCents { get; init; }
        public string Currency { get; init; } = "";
        public DateTime LastTouch { get; init; }
        public DateTime? NextPlannedAt { get; init; }
        public ActivityType? NextPlannedType { get; init; }
    }

    /// <summary>
    /// As asked; else, for one person's deals, that person's own threshold (settings: also their nudges' and their plan's),
    /// whoever asks; else the admin's default.
    /// </summary>
    public static async Task<int> ThresholdAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        if (input.Request.ThresholdDays is { } asked)
            return Math.Max(0, asked);
        if (input.Scope.SinglePerson is not { } only)
            return input.Thresholds.StaleDays;
        var own = only == input.Asker.UserId ? input.Asker.StaleThresholdDays : await PersonThreshold(db, only).FirstOrDefaultAsync(ct);
        return Math.Max(0, own ?? input.Thresholds.StaleDays);
    }

    public static IQueryable<int?> PersonThreshold(CrmDbContext db, int userId) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.StaleThresholdDays);

    /// <summary>What counting, totalling and ordering stale deals needs: all of it in the (Stage, LastTouchAt, …) index.</summary>
    public sealed record Key
    {
        public int Id { get; init; }
        public int OwnerId { get; init; }
        public long? AmountCents { get; init; }
        public string Currency { get; init; } = "";
        public DateTime LastTouch { get; init; }
    }

    /// <summary>
    /// Stale deals of the scope; the shared base of this report and the action plan. Two disjoint parts:
    /// <list type="bullet">
    /// <item>a stored last touch (LastTouch keeps it) not later than now is the answer, so these deals are stale when
    /// <c>LastTouchAt &lt; cutoff</c>, a seek per open stage in the covering index, never reading a deal's row;</item>
    /// <item>a stored value later than now is seen only by a report "as of" an earlier clock (an activity completed after
    /// it); only those rows search the activities again, bounded by the clock: the deal's own, its account's and its
    /// last-modified time, as one MAX over a UNION ALL of index seeks.</item>
    /// </list>
    /// The open stages are a list, not a range, so that the index seeks each stage's stale range.
    /// </summary>
    public static IQueryable<Key> Keys(CrmDbContext db, ReportScope scope, DateTime nowUtc, int thresholdDays)
    {
        var cutoff = nowUtc.AddDays(-thresholdDays);
        var activities = db.Activities.Where(a => a.Status == ActivityStatus.Completed && a.CompletedAt <= nowUtc);
        var open = db.Opportunities.InScope(scope)
            .Where(o => new[] { OpportunityStage.Prospecting, OpportunityStage.Qualification, OpportunityStage.NeedsAnalysis,
                OpportunityStage.Proposal, OpportunityStage.Negotiation }.Contains(o.Stage));
        var stored = open.Where(o => o.LastTouchAt < cutoff)
            .Select(o => new Key { Id = o.Id, OwnerId = o.OwnerId, AmountCents = o.AmountCents, Currency = o.Currency, LastTouch = o.LastTouchAt });
        var asOfEarlierClock = open.Where(o => o.LastTouchAt > nowUtc)
            .Select(o => new Key
            {
                Id = o.Id, OwnerId = o.OwnerId, AmountCents = o.AmountCents, Currency = o.Currency,
                LastTouch = activities.Where(a => a.OpportunityId == o.Id).OrderByDescending(a => a.CompletedAt).Select(a => a.CompletedAt).Take(1)
                    .Concat(activities.Where(a => o.AccountId != null && a.AccountId == o.AccountId).OrderByDescending(a => a.CompletedAt).Select(a => a.CompletedAt).Take(1))
                    .Concat(db.Opportunities.Where(self => self.Id == o.Id).Select(self => (DateTime?)self.LastModifiedAt))
                    .Max()!.Value,
            })
            .Where(k => k.LastTouch < cutoff);
        return stored.Concat(asOfEarlierClock);
    }

    /// <summary>One page of stale deals, most neglected first: ordered and cut on the keys, then the page's rows are read.</summary>
    public static IQueryable<Item> Page(CrmDbContext db, IQueryable<Key> keys, DateTime nowUtc, int offset)
    {
        var planned = db.Activities.Where(a => a.Status == ActivityStatus.Planned && a.DueAt >= nowUtc);
        return keys.OrderBy(k => k.LastTouch).ThenByDescending(k => k.AmountCents).ThenBy(k => k.Id).Skip(offset).Take(ReportRequest.PageSize)
            .Join(db.Opportunities, k => k.Id, o => o.Id, (k, o) => new { k, o })
            .OrderBy(x => x.k.LastTouch).ThenByDescending(x => x.k.AmountCents).ThenBy(x => x.k.Id)
            .Select(x => new Item
            {
                Id = x.o.Id, Name = x.o.Name, Account = x.o.Account!.Name, OwnerId = x.o.OwnerId, Owner = x.o.Owner!.Name,
                Stage = x.o.Stage, AmountCents = x.o.AmountCents, Currency = x.o.Currency, LastTouch = x.k.LastTouch,
                // Two scalar subqueries rather than one row: SQLite has no APPLY.
                NextPlannedAt = planned.Where(a => a.OpportunityId == x.o.Id).OrderBy(a => a.DueAt).Select(a => a.DueAt).FirstOrDefault(),
                NextPlannedType = planned.Where(a => a.OpportunityId == x.o.Id).OrderBy(a => a.DueAt).Select(a => (ActivityType?)a.Type).FirstOrDefault(),
            });
    }

    public static IQueryable<TotalByCurrency> Totals(IQueryable<Key> keys) =>
        keys.GroupBy(k => k.Currency).Select(g => new TotalByCurrency(g.Key, g.Count(), g.Sum(k => k.AmountCents ?? 0)));

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var keys = Keys(db, input.Scope, input.NowUtc, input.Request.ThresholdDays ?? input.Thresholds.StaleDays);
        return [Page(db, keys, input.NowUtc, input.Offset), Totals(keys), PersonThreshold(db, 1)];
    }

    // Compiled for one person (a rep's own deals): EF's work on the ad-hoc query was more than its SQL.
    internal static readonly CompiledDefinition<OnePerson, Item> PageOfOne =
        OnePerson.Compiled((db, a) => Page(db, Keys(db, a.Scope, a.NowUtc, a.ThresholdDays), a.NowUtc, a.Offset));
    internal static readonly CompiledDefinition<OnePerson, TotalByCurrency> TotalsOfOne =
        OnePerson.Compiled((db, a) => Totals(Keys(db, a.Scope, a.NowUtc, a.ThresholdDays)));

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var threshold = await ThresholdAsync(db, input, ct);
        List<Item> page;
        List<TotalByCurrency> totals;
        if (input.Scope.SinglePerson is { } only)
        {
            var person = OnePerson.Of(input, only, threshold);
            page = await PageOfOne.ToListAsync(db, person, ct);
            totals = await TotalsOfOne.ToListAsync(db, person, ct);
        }
        else
        {
            var keys = Keys(db, input.Scope, input.NowUtc, threshold);
            page = await Page(db, keys, input.NowUtc, input.Offset).ToListAsync(ct);
            totals = await Totals(keys).ToListAsync(ct);
        }
        var total = totals.Sum(t => t.Count);

        var rows = page.Select(i =>
        {
            var deal = input.Ref(RecordKind.Opportunity, i.Id, i.Name);
            var days = (int)Math.Floor((input.NowUtc - i.LastTouch).TotalDays);
            var next = i.NextPlannedAt is { } at
                ? new Cell($"{ActivityMatrix.TypeName(i.NextPlannedType!.Value, input.F)} {input.F.Date(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc), input.Time.Zone)))}")
                : new Cell(input.T("none planned", "未安排"));
            return input.RecordRow(deal, i.OwnerId,
                new Cell(i.Name, Record: deal), input.Text(i.Account), input.Text(i.Owner),
                Cell.Of(ReportInput.StageName(i.Stage, input.F)),
                i.AmountCents is { } c ? input.Money(c, i.Currency) : input.Text(null),
                input.Days(days), next);
        }).ToList();

        return input.Result(input.T($"Stale deals (no touch for over {input.F.Days(threshold)})", $"停滯商機（超過 {threshold} 天未聯繫）"), withPeriod: false) with
        {
            Facts =
            [
                new Fact(input.T("Stale deals", "停滯商機"), input.Count(total)),
                new Fact(input.T("Amount at risk", "涉及金額"), input.MoneyByCurrency(totals.Select(t => (t.Currency, t.AmountCents)))),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new(input.T("Deal", "商機")), new(input.T("Account", "客戶")), new(input.T("Owner", "負責人")),
                        new(input.T("Stage", "階段")), new(input.T("Amount", "金額"), ValueKind.Money),
                        new(input.T("Since last touch", "距上次聯繫"), ValueKind.Days), new(input.T("Next activity", "下一個活動")),
                    ],
                    Rows = rows, Offset = input.Offset, TotalRows = total, NextPage = input.NextPage(total),
                },
            ],
            Notes = totals.Count > 1 ? [input.MixedCurrencyNote(totals.Select(t => t.Currency))] : [],
            Actions =
            [
                new SuggestedAction(input.T("Neglected customers", "被忽略的客戶"), input.T("neglected customers", "被忽略的客戶")),
                new SuggestedAction(input.T("My plan", "我的行動計畫"), input.T("my plan", "我的行動計畫")),
            ],
            HasPersonalRecords = true,
        };
    }
}

/// <summary>A count and a sum in one currency.</summary>
public sealed record TotalByCurrency(string Currency, int Count, long AmountCents);
