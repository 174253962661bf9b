using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Open deals in scope whose last touch is more than N days ago (default 14). Last touch = the later of the deal's
/// last-modified time and the latest completed activity on the deal or its account (completed by now).
/// Sorted by days since last touch (most neglected first), then amount.
/// </summary>
public static class StaleDeals
{
    public const int DefaultThresholdDays = 14;

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

    public static int Threshold(ReportInput input) => Math.Max(0, input.Request.ThresholdDays ?? DefaultThresholdDays);

    /// <summary>Stale deals of the scope, most neglected first; the shared base of this report, the action plan and nudges.</summary>
    public static IQueryable<Item> Query(CrmDbContext db, ReportScope scope, DateTime nowUtc, int thresholdDays)
    {
        var cutoff = nowUtc.AddDays(-thresholdDays);
        var activities = db.Activities.Where(a => a.Status == ActivityStatus.Completed && a.CompletedAt <= nowUtc);
        var planned = db.Activities.Where(a => a.Status == ActivityStatus.Planned && a.DueAt >= nowUtc);
        return db.Opportunities.InScope(scope)
            .Where(o => o.Stage < OpportunityStage.ClosedWon) // the open stages, as a range the (Stage, LastTouchAt) index seeks
            .Select(o => new
            {
                Deal = o,
                // The stored last touch (LastTouch keeps it) is the answer whenever it is not later than now. Only a
                // report run "as of" a past moment can see a later one (an activity completed after its clock), and
                // only for those rows does it search the activities again, bounded by the clock: the deal's own, its
                // account's and its last-modified time, as one MAX over a UNION ALL of index seeks.
                LastTouch = o.LastTouchAt <= nowUtc
                    ? o.LastTouchAt
                    : activities.Where(a => a.OpportunityId == o.Id).OrderByDescending(a => a.CompletedAt).Select(a => a.CompletedAt).Take(1)
                        .Concat(activities.Where(a => o.AccountId != null && a.AccountId == o.AccountId).OrderByDescending(a => a.CompletedAt).Select(a => a.CompletedAt).Take(1))
                        .Concat(db.Opportunities.Where(self => self.Id == o.Id).Select(self => (DateTime?)self.LastModifiedAt))
                        .Max()!.Value,
                // Two scalar subqueries rather than one row: SQLite has no APPLY.
                NextAt = planned.Where(a => a.OpportunityId == o.Id).OrderBy(a => a.DueAt).Select(a => a.DueAt).FirstOrDefault(),
                NextType = planned.Where(a => a.OpportunityId == o.Id).OrderBy(a => a.DueAt).Select(a => (ActivityType?)a.Type).FirstOrDefault(),
            })
            .Where(x => x.LastTouch < cutoff)
            .OrderBy(x => x.LastTouch).ThenByDescending(x => x.Deal.AmountCents).ThenBy(x => x.Deal.Id)
            .Select(x => new Item
            {
                Id = x.Deal.Id, Name = x.Deal.Name, Account = x.Deal.Account!.Name, OwnerId = x.Deal.OwnerId, Owner = x.Deal.Owner!.Name,
                Stage = x.Deal.Stage, AmountCents = x.Deal.AmountCents, Currency = x.Deal.Currency, LastTouch = x.LastTouch,
                NextPlannedAt = x.NextAt, NextPlannedType = x.NextType,
            });
    }

    public static IQueryable<TotalByCurrency> Totals(IQueryable<Item> items) =>
        items.GroupBy(i => i.Currency).Select(g => new TotalByCurrency(g.Key, g.Count(), g.Sum(i => i.AmountCents ?? 0)));

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var items = Query(db, input.Scope, input.NowUtc, Threshold(input));
        return [items.Skip(input.Offset).Take(ReportInput.PageSize), Totals(items)];
    }

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var threshold = Threshold(input);
        var items = Query(db, input.Scope, input.NowUtc, threshold);
        var page = await items.Skip(input.Offset).Take(ReportInput.PageSize).ToListAsync(ct);
        var totals = await Totals(items).ToListAsync(ct);
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

        return input.Result(input.T($"Stale deals (no touch for over {threshold} days)", $"停滯商機（超過 {threshold} 天未聯繫）"), withPeriod: false) with
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
