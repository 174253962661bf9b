using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// The lost-deal review: Closed Lost with closed-at in the period, in scope, with loss reason, BANT flags, days
/// open and the last stage reached (where stage history exists). Summary: count, amount, count by reason.
/// Largest losses first.
/// </summary>
public static class LostDeals
{
    public sealed record Item
    {
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public string? Account { get; init; }
        public int OwnerId { get; init; }
        public string Owner { get; init; } = "";
        public long? AmountCents { get; init; }
        public string Currency { get; init; } = "";
        public string? LossReason { get; init; }
        public BantFlags Bant { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime ClosedAt { get; init; }
        public OpportunityStage? LastStage { get; init; }
    }

    public sealed record ReasonCount(string? Reason, int Count);

    public static IQueryable<Opportunity> Lost(CrmDbContext db, ReportScope scope, DateTime start, DateTime end) =>
        db.Opportunities.InScope(scope)
            .Where(o => o.Stage == OpportunityStage.ClosedLost && o.ClosedAt >= start && o.ClosedAt < end);

    public static IQueryable<Item> Page(CrmDbContext db, IQueryable<Opportunity> lost, int offset) =>
        lost.OrderByDescending(o => o.AmountCents).ThenByDescending(o => o.ClosedAt).ThenBy(o => o.Id)
            .Skip(offset).Take(ReportRequest.PageSize)
            .Select(o => new Item
            {
                Id = o.Id, Name = o.Name, Account = o.Account!.Name, OwnerId = o.OwnerId, Owner = o.Owner!.Name,
                AmountCents = o.AmountCents, Currency = o.Currency, LossReason = o.LossReason, Bant = o.BantFlags,
                CreatedAt = o.CreatedAt, ClosedAt = o.ClosedAt!.Value,
                LastStage = db.OpportunityStageChanges
                    .Where(c => c.OpportunityId == o.Id && c.ToStage == OpportunityStage.ClosedLost)
                    .OrderByDescending(c => c.ChangedAt).Select(c => (OpportunityStage?)c.FromStage).FirstOrDefault(),
            });

    public static IQueryable<TotalByCurrency> Totals(IQueryable<Opportunity> lost) =>
        lost.GroupBy(o => o.Currency).Select(g => new TotalByCurrency(g.Key, g.Count(), g.Sum(o => o.AmountCents ?? 0)));

    public static IQueryable<ReasonCount> ByReason(IQueryable<Opportunity> lost) =>
        lost.GroupBy(o => o.LossReason).Select(g => new ReasonCount(g.Key, g.Count()));

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var lost = Lost(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc);
        return [Page(db, lost, input.Offset), Totals(lost), ByReason(lost)];
    }

    // Compiled for one person (a rep's own losses): EF's work on the ad-hoc queries was more than their SQL.
    internal static readonly CompiledDefinition<OnePerson, Item> PageOfOne =
        OnePerson.Compiled((db, a) => Page(db, Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd), a.Offset));
    internal static readonly CompiledDefinition<OnePerson, TotalByCurrency> TotalsOfOne =
        OnePerson.Compiled((db, a) => Totals(Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd)));
    internal static readonly CompiledDefinition<OnePerson, ReasonCount> ByReasonOfOne =
        OnePerson.Compiled((db, a) => ByReason(Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd)));

    // Compiled for a team too (a manager's losses): the ad-hoc queries cost EF more than their SQL there as well.
    internal static readonly CompiledDefinition<SeveralOwners, Item> PageOfTeam =
        SeveralOwners.Compiled((db, a) => Page(db, Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd), a.Offset));
    internal static readonly CompiledDefinition<SeveralOwners, TotalByCurrency> TotalsOfTeam =
        SeveralOwners.Compiled((db, a) => Totals(Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd)));
    internal static readonly CompiledDefinition<SeveralOwners, ReasonCount> ByReasonOfTeam =
        SeveralOwners.Compiled((db, a) => ByReason(Lost(db, a.Scope, a.PeriodStart, a.PeriodEnd)));

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        List<Item> page;
        List<TotalByCurrency> totals;
        List<ReasonCount> reasons;
        if (input.Scope.SinglePerson is { } only)
        {
            var person = OnePerson.Of(input, only, 0);
            page = await PageOfOne.ToListAsync(db, person, ct);
            totals = await TotalsOfOne.ToListAsync(db, person, ct);
            reasons = await ByReasonOfOne.ToListAsync(db, person, ct);
        }
        else if (SeveralOwners.Of(input, 0) is { } team)
        {
            page = await PageOfTeam.ToListAsync(db, team, ct);
            totals = await TotalsOfTeam.ToListAsync(db, team, ct);
            reasons = await ByReasonOfTeam.ToListAsync(db, team, ct);
        }
        else
        {
            var lost = Lost(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc);
            page = await Page(db, lost, input.Offset).ToListAsync(ct);
            totals = await Totals(lost).ToListAsync(ct);
            reasons = await ByReason(lost).ToListAsync(ct);
        }
        var total = totals.Sum(t => t.Count);
        var noReason = input.T("(no reason given)", "（未填原因）");

        var rows = page.Select(i =>
        {
            var deal = input.Ref(RecordKind.Opportunity, i.Id, i.Name);
            return input.ClosedDealRow(deal, i.OwnerId,
                new Cell(i.Name, Record: deal), input.Text(i.Account), input.Text(i.Owner),
                i.AmountCents is { } c ? input.Money(c, i.Currency) : input.Text(null),
                Cell.Of(i.LossReason is { } reason ? CrmTerms.Name(reason, input.F) : noReason),
                Cell.Of(BantText(i.Bant, input)),
                input.Days(Math.Max(0, (int)Math.Floor((i.ClosedAt - i.CreatedAt).TotalDays))),
                input.Text(i.LastStage is { } s ? ReportInput.StageName(s, input.F) : null));
        }).ToList();

        var reasonRows = reasons.OrderByDescending(r => r.Count).ThenBy(r => r.Reason ?? "\uffff", StringComparer.Ordinal)
            .Select(r => new Row([Cell.Of(r.Reason is { } reason ? CrmTerms.Name(reason, input.F) : noReason), input.Count(r.Count)])).ToList();

        return input.Result(input.T("Lost deals", "失去的商機")) with
        {
            Facts =
            [
                new Fact(input.T("Deals lost", "失去商機數"), input.Count(total)),
                new Fact(input.T("Amount lost", "失去金額"), input.MoneyByCurrency(totals.Select(t => (t.Currency, t.AmountCents)))),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new(input.T("Deal", "商機")), new(input.T("Account", "客戶")), new(input.T("Owner", "負責人")),
                        new(input.T("Amount", "金額"), ValueKind.Money), new(input.T("Loss reason", "失敗原因")),
                        new(input.T("BANT gaps", "BANT 缺口")), new(input.T("Days open", "開啟天數"), ValueKind.Days),
                        new(input.T("Last stage", "最後階段")),
                    ],
                    Rows = rows, Offset = input.Offset, TotalRows = total, NextPage = input.NextPage(total),
                },
                new ResultTable
                {
                    Title = input.T("By reason", "依原因"),
                    Columns = [new(input.T("Loss reason", "失敗原因")), new(input.T("Deals", "商機數"), ValueKind.Count)],
                    Rows = reasonRows, TotalRows = reasonRows.Count,
                },
            ],
            Notes = totals.Count > 1 ? [input.MixedCurrencyNote(totals.Select(t => t.Currency))] : [],
            Actions =
            [
                new SuggestedAction(input.T("Win rate", "贏率"), input.T("win rate", "贏率")),
                new SuggestedAction(input.T("Pipeline", "銷售管線"), input.T("pipeline", "銷售管線")),
            ],
            HasPersonalRecords = true,
        };
    }

    /// <summary>The BANT criteria the deal failed on: "Budget, Timeline" (zh-TW: 預算、時程).</summary>
    public static string BantText(BantFlags flags, ReportInput input)
    {
        if (flags == BantFlags.None)
            return "—";
        var names = new List<string>();
        if (flags.HasFlag(BantFlags.Budget)) names.Add(input.T("Budget", "預算"));
        if (flags.HasFlag(BantFlags.Authority)) names.Add(input.T("Authority", "決策權"));
        if (flags.HasFlag(BantFlags.Need)) names.Add(input.T("Need", "需求"));
        if (flags.HasFlag(BantFlags.Timeline)) names.Add(input.T("Timeline", "時程"));
        return string.Join(input.T(", ", "、"), names);
    }
}
