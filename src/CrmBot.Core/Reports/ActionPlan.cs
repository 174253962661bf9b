using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// One rep's quarter: quota, won so far, gap, weighted pipeline closing this quarter and coverage (pipeline ÷ gap),
/// planned activities in the next 7 days, open deals with no planned activity, stale deals, new leads not yet worked.
/// About one person: <see cref="ReportScope.ResolveAsync"/> answers a team or everyone before it gets here.
/// </summary>
public static class ActionPlan
{
    public sealed record PlannedItem
    {
        public int Id { get; init; }
        public ActivityType Type { get; init; }
        public string? Subject { get; init; }
        public DateTime DueAt { get; init; }
        public int? OpportunityId { get; init; }
        public string? Deal { get; init; }
        public int? AccountId { get; init; }
        public string? Account { get; init; }
    }

    public sealed record DealItem
    {
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public string? Account { get; init; }
        public OpportunityStage Stage { get; init; }
        public long? AmountCents { get; init; }
        public string Currency { get; init; } = "";
        public DateOnly? ExpectedClose { get; init; }
    }

    public static IQueryable<Activity> PlannedNextWeek(CrmDbContext db, ReportScope person, DateTime nowUtc)
    {
        var until = nowUtc.AddDays(7);
        return db.Activities.InScope(person).Where(a => a.Status == ActivityStatus.Planned && a.DueAt >= nowUtc && a.DueAt < until);
    }

    public static IQueryable<PlannedItem> PlannedPage(IQueryable<Activity> planned, int offset) =>
        planned.OrderBy(a => a.DueAt).ThenBy(a => a.Id).Skip(offset).Take(ReportRequest.PageSize)
            .Select(a => new PlannedItem
            {
                Id = a.Id, Type = a.Type, Subject = a.Subject, DueAt = a.DueAt!.Value,
                OpportunityId = a.OpportunityId, Deal = a.Opportunity!.Name, AccountId = a.AccountId, Account = a.Account!.Name,
            });

    /// <summary>Open deals with no planned activity at all (overdue plans still count as planned).</summary>
    public static IQueryable<Opportunity> WithoutPlan(CrmDbContext db, ReportScope person) =>
        Pipeline.Open(db, person).Where(o => !db.Activities.Any(a => a.OpportunityId == o.Id && a.Status == ActivityStatus.Planned));

    public static IQueryable<DealItem> DealPage(IQueryable<Opportunity> deals) =>
        deals.OrderByDescending(o => o.AmountCents).ThenBy(o => o.Id).Take(ReportRequest.PageSize)
            .Select(o => new DealItem
            {
                Id = o.Id, Name = o.Name, Account = o.Account!.Name, Stage = o.Stage, AmountCents = o.AmountCents,
                Currency = o.Currency, ExpectedClose = o.ExpectedCloseDate,
            });

    public sealed record PlanCounts
    {
        public int Planned { get; init; }
        public int WithoutPlan { get; init; }
        public int Stale { get; init; }
        public int NewLeads { get; init; }
    }

    /// <summary>The plan's four counts in one read, each a subquery: every query costs the bot more than its SQL.</summary>
    public static IQueryable<PlanCounts> Counts(CrmDbContext db, ReportScope person, DateTime nowUtc, int thresholdDays)
    {
        var id = person.OwnerIds![0];
        var planned = PlannedNextWeek(db, person, nowUtc);
        var withoutPlan = WithoutPlan(db, person);
        var stale = StaleDeals.Keys(db, person, nowUtc, thresholdDays);
        var newLeads = Leads.UntouchedLeads(db, Leads.Open(db, person, nowUtc), nowUtc);
        return db.Users.Where(u => u.Id == id).Select(_ => new PlanCounts
        {
            Planned = planned.Count(), WithoutPlan = withoutPlan.Count(), Stale = stale.Count(), NewLeads = newLeads.Count(),
        });
    }

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var person = input.Scope;
        var planned = PlannedNextWeek(db, person, input.NowUtc);
        var withoutPlan = WithoutPlan(db, person);
        var (quarter, fy, q) = Forecast.QuarterOf(input);
        return
        [
            Forecast.Figures(db, person, quarter), Forecast.Reps(db, person, fy, q),   // as the plan reads them: one person, no missing owners
            PlannedPage(planned, input.Offset), DealPage(withoutPlan), StaleDeals.PersonThreshold(db, person.OwnerIds![0]),
            Counts(db, person, input.NowUtc, input.Thresholds.StaleDays),
        ];
    }

    // Compiled: a plan is five small reads, and EF's work on an ad-hoc query was most of its time (docs/performance.md).
    internal static readonly CompiledDefinition<OnePerson, PlannedItem> PlannedOfOne =
        OnePerson.Compiled((db, a) => PlannedPage(PlannedNextWeek(db, a.Scope, a.NowUtc), a.Offset));
    internal static readonly CompiledDefinition<OnePerson, DealItem> WithoutPlanOfOne = OnePerson.Compiled((db, a) => DealPage(WithoutPlan(db, a.Scope)));
    internal static readonly CompiledDefinition<OnePerson, PlanCounts> CountsOfOne = OnePerson.Compiled((db, a) => Counts(db, a.Scope, a.NowUtc, a.ThresholdDays));

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var person = input.Scope;
        var threshold = await StaleDeals.ThresholdAsync(db, input, ct);
        var args = OnePerson.Of(input, person.OwnerIds![0], threshold);
        var forecast = await Forecast.ForecastAsync(db, args, ct);
        var plannedPage = await PlannedOfOne.ToListAsync(db, args, ct);
        var withoutPlanPage = await WithoutPlanOfOne.ToListAsync(db, args, ct);
        var counts = (await CountsOfOne.ToListAsync(db, args, ct)).FirstOrDefault() ?? new PlanCounts();
        var (plannedCount, withoutPlanCount, staleCount, newLeads) = (counts.Planned, counts.WithoutPlan, counts.Stale, counts.NewLeads);

        var currency = forecast?.Currency ?? input.Options.DefaultCurrency;
        var gap = forecast?.GapCents ?? 0;
        var weighted = forecast?.WeightedCents ?? 0;

        var plannedRows = plannedPage.Select(a =>
        {
            var record = a.OpportunityId is { } oid ? input.Ref(RecordKind.Opportunity, oid, a.Deal ?? "")
                : a.AccountId is { } aid ? input.Ref(RecordKind.Account, aid, a.Account ?? "") : null;
            var row = new Row(
            [
                input.Date(a.DueAt), Cell.Of(ActivityMatrix.TypeName(a.Type, input.F)), input.Text(a.Subject),
                record is null ? input.Text(null) : new Cell(record.Name, Record: record),
            ]);
            return record is null ? row : row with { Record = record, Actions = input.ActionsFor(record, person.OwnerIds![0]) };
        }).ToList();

        var dealRows = withoutPlanPage.Select(d =>
        {
            var deal = input.Ref(RecordKind.Opportunity, d.Id, d.Name);
            return input.RecordRow(deal, person.OwnerIds![0],
                new Cell(d.Name, Record: deal), input.Text(d.Account), Cell.Of(ReportInput.StageName(d.Stage, input.F)),
                d.AmountCents is { } c ? input.Money(c, d.Currency) : input.Text(null),
                d.ExpectedClose is { } close ? input.Date(close) : input.Text(null));
        }).ToList();

        return input.Result(input.T("Action plan", "行動計畫")) with
        {
            Period = args.Quarter.Label,
            PeriodStart = new DateTimeOffset(args.Quarter.StartUtc, TimeSpan.Zero),
            PeriodEnd = new DateTimeOffset(args.Quarter.EndUtc, TimeSpan.Zero),
            Context = string.Join(" · ", person.Label, args.Quarter.Label, input.AsOfText),
            Scope = person.Label,
            Facts =
            [
                new Fact(input.T("Quota", "配額"), input.Money(forecast?.QuotaCents ?? 0, currency)),
                new Fact(input.T("Won so far", "已成交"), input.Money(forecast?.WonCents ?? 0, currency)),
                new Fact(input.T("Gap", "差距"), input.Money(gap, currency)),
                // Named by its quarter: "my plan last quarter" is not this quarter's.
                new Fact(input.T($"Weighted pipeline closing in {args.Quarter.Label}", $"{args.Quarter.Label}結案的加權管線"), input.Money(weighted, currency)),
                // Coverage: how many times the weighted pipeline covers the gap; n/a once the quota is met.
                new Fact(input.T("Coverage", "覆蓋率"), new Cell(gap == 0 ? input.F.NotApplicable : input.F.Number((decimal)weighted / gap, 2) + "×",
                    ValueKind.Text, gap == 0 ? null : (decimal)weighted / gap)),
                new Fact(input.T("Planned activities (next 7 days)", "未來 7 天的活動"), input.Count(plannedCount)),
                new Fact(input.T("Open deals with no planned activity", "未安排活動的商機"), input.Count(withoutPlanCount)),
                new Fact(input.T($"Stale deals (over {input.F.Days(threshold)})", $"停滯商機（超過 {threshold} 天）"), input.Count(staleCount)),
                new Fact(input.T("New leads not yet worked", "尚未聯繫的新潛在客戶"), input.Count(newLeads)),
            ],
            Tables =
            [
                new ResultTable
                {
                    Title = input.T("Planned in the next 7 days", "未來 7 天的活動"),
                    Columns = [new(input.T("Due", "到期"), ValueKind.Date), new(input.T("Type", "類型")), new(input.T("Subject", "主旨")), new(input.T("For", "對象"))],
                    Rows = plannedRows, Offset = input.Offset, TotalRows = plannedCount, NextPage = input.NextPage(plannedCount),
                },
                new ResultTable
                {
                    Title = input.T("Open deals with no planned activity", "未安排活動的商機"),
                    Columns =
                    [
                        new(input.T("Deal", "商機")), new(input.T("Account", "客戶")), new(input.T("Stage", "階段")),
                        new(input.T("Amount", "金額"), ValueKind.Money), new(input.T("Expected close", "預計結案"), ValueKind.Date),
                    ],
                    Rows = dealRows, TotalRows = withoutPlanCount,
                },
            ],
            Actions =
            [
                new SuggestedAction(input.T("My stale deals", "我的停滯商機"), input.T("my stale deals", "我的停滯商機")),
                new SuggestedAction(input.T("My pipeline", "我的銷售管線"), input.T("my pipeline", "我的銷售管線")),
            ],
            HasPersonalRecords = true,
        };
    }
}
