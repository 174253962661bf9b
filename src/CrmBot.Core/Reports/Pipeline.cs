using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Time;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Open deals in scope by stage: count, amount, weighted amount (amount × probability). Broken down by owner
/// (default for a team) or by partner as stacked series; for partners also the amount won in the period.
/// Win rate of the scope over the last four quarters (the current one and the three before it).
/// </summary>
public static class Pipeline
{
    public static readonly OpportunityStage[] OpenStages =
    [
        OpportunityStage.Prospecting, OpportunityStage.Qualification, OpportunityStage.NeedsAnalysis,
        OpportunityStage.Proposal, OpportunityStage.Negotiation,
    ];

    /// <summary>One cell of the stage × (owner | partner) grid, per currency. Key is the owner or partner id (null: direct).</summary>
    public sealed record Group
    {
        public int? Key { get; init; }
        public OpportunityStage Stage { get; init; }
        public string Currency { get; init; } = "";
        public int Count { get; init; }
        public long AmountCents { get; init; }
        /// <summary>Σ amount × probability, in cent-percent (divide by 100).</summary>
        public long WeightedCentPercent { get; init; }
        public int WithoutAmount { get; init; }
    }

    public sealed record WinLoss(int Won, int Lost)
    {
        public static WinLoss Of(IReadOnlyList<StageCount> counts) =>
            new(counts.Where(c => c.Stage == OpportunityStage.ClosedWon).Sum(c => c.Count),
                counts.Where(c => c.Stage == OpportunityStage.ClosedLost).Sum(c => c.Count));
    }

    public static IQueryable<Opportunity> Open(CrmDbContext db, ReportScope scope) =>
        db.Opportunities.InScope(scope).Where(o => o.Stage < OpportunityStage.ClosedWon); // the open stages; a range the (Stage, …) indexes can seek

    public static IQueryable<Group> Grid(IQueryable<Opportunity> open, Breakdown breakdown) =>
        (breakdown switch
        {
            Breakdown.Partner => open.GroupBy(o => new { Key = o.PartnerId, o.Stage, o.Currency }),
            // Without a breakdown the owner grid is summed per stage (a constant key would not translate everywhere).
            _ => open.GroupBy(o => new { Key = (int?)o.OwnerId, o.Stage, o.Currency }),
        })
        .Select(g => new Group
        {
            Key = g.Key.Key, Stage = g.Key.Stage, Currency = g.Key.Currency, Count = g.Count(),
            AmountCents = g.Sum(o => o.AmountCents ?? 0),
            WeightedCentPercent = g.Sum(o => (o.AmountCents ?? 0) * o.Probability),
            WithoutAmount = g.Count(o => o.AmountCents == null),
        });

    public sealed record StageCount(OpportunityStage Stage, int Count);

    /// <summary>Deals won and lost in the period, counted per stage: grouped in the index's order, where a constant key
    /// would make SQLite sort every closed deal of the period first.</summary>
    public static IQueryable<StageCount> ClosedBetween(CrmDbContext db, ReportScope scope, DateTime start, DateTime end) =>
        db.Opportunities.InScope(scope)
            .Where(o => (o.Stage == OpportunityStage.ClosedWon || o.Stage == OpportunityStage.ClosedLost) && o.ClosedAt >= start && o.ClosedAt < end)
            .GroupBy(o => o.Stage)
            .Select(g => new StageCount(g.Key, g.Count()));

    public static IQueryable<TotalByPartner> WonByPartner(CrmDbContext db, ReportScope scope, DateTime start, DateTime end) =>
        db.Opportunities.InScope(scope)
            .Where(o => o.Stage == OpportunityStage.ClosedWon && o.ClosedAt >= start && o.ClosedAt < end)
            .GroupBy(o => new { o.PartnerId, o.Currency })
            .Select(g => new TotalByPartner(g.Key.PartnerId, g.Key.Currency, g.Sum(o => o.AmountCents ?? 0)));

    public static IQueryable<RepName> Names(CrmDbContext db, Breakdown breakdown, IReadOnlyList<int> ids)
    {
        var list = ids.ToList();
        return breakdown == Breakdown.Partner
            ? db.Partners.Where(p => list.Contains(p.Id)).Select(p => new RepName(p.Id, p.Name))
            : db.Users.Where(u => list.Contains(u.Id)).Select(u => new RepName(u.Id, u.Name));
    }

    public static Breakdown BreakdownOf(ReportInput input) => input.Request.Breakdown switch
    {
        Breakdown.Partner => Breakdown.Partner,
        Breakdown.Owner => Breakdown.Owner,
        _ => input.Scope.IsSingleUser ? Breakdown.None : Breakdown.Owner,
    };

    /// <summary>The current fiscal quarter and the three before it.</summary>
    public static (DateTime Start, DateTime End, string Label) LastFourQuarters(ReportInput input)
    {
        var (fy, q) = input.Time.FiscalQuarterOf(input.Today);
        var (fy0, q0) = Time.PeriodResolver.AddQuarters(fy, q, -3);
        var first = input.Time.Quarter(fy0, q0);
        var last = input.Time.Quarter(fy, q);
        return (first.StartUtc, last.EndUtc, $"{first.Label} – {last.Label}");
    }

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var open = Open(db, input.Scope);
        var quarters = LastFourQuarters(input);
        return
        [
            Grid(open, BreakdownOf(input)),
            ClosedBetween(db, input.Scope, quarters.Start, quarters.End),
            WonByPartner(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc),
            Names(db, Breakdown.Owner, [1]), Names(db, Breakdown.Partner, [1]),
        ];
    }

    // Compiled for one person's pipeline without a breakdown (a rep's own): EF's work on the ad-hoc queries was more than
    // their SQL. The win/loss counts take the last four quarters as their period.
    internal static readonly CompiledDefinition<OnePerson, Group> GridOfOne = OnePerson.Compiled((db, a) => Grid(Open(db, a.Scope), Breakdown.None));
    internal static readonly CompiledDefinition<OnePerson, StageCount> ClosedOfOne =
        OnePerson.Compiled((db, a) => ClosedBetween(db, a.Scope, a.PeriodStart, a.PeriodEnd));

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var breakdown = BreakdownOf(input);
        var quarters = LastFourQuarters(input);
        List<Group> grid;
        WinLoss winLoss;
        if (breakdown == Breakdown.None && input.Scope.SinglePerson is { } only)
        {
            var person = OnePerson.Of(input, only, 0) with { Period = new ResolvedPeriod(quarters.Start, quarters.End, default, default, quarters.Label) };
            grid = await GridOfOne.ToListAsync(db, person, ct);
            winLoss = WinLoss.Of(await ClosedOfOne.ToListAsync(db, person, ct));
        }
        else
        {
            grid = await Grid(Open(db, input.Scope), breakdown).ToListAsync(ct);
            winLoss = WinLoss.Of(await ClosedBetween(db, input.Scope, quarters.Start, quarters.End).ToListAsync(ct));
        }
        var wonByPartner = breakdown == Breakdown.Partner
            ? await WonByPartner(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc).ToListAsync(ct)
            : [];
        // Names are shown only by owner or partner.
        var keys = breakdown == Breakdown.None ? [] : grid.Select(g => g.Key).Concat(wonByPartner.Select(w => w.PartnerId)).OfType<int>().Distinct().ToList();
        var names = keys.Count == 0 ? [] : await Names(db, breakdown, keys).ToDictionaryAsync(n => n.Id, n => n.Name, ct);
        var direct = input.T("Direct (no partner)", "直接銷售（無通路夥伴）");
        string NameOf(int? key) => key is { } k && names.TryGetValue(k, out var n) ? n : direct;

        var currencies = grid.Select(g => g.Currency).Distinct().Order().ToList();
        var mainCurrency = grid.GroupBy(g => g.Currency).OrderByDescending(g => g.Sum(x => x.Count)).Select(g => g.Key).FirstOrDefault()
            ?? input.Options.DefaultCurrency;

        var stageRows = OpenStages.Select(stage =>
        {
            var cells = grid.Where(g => g.Stage == stage).ToList();
            return new Row(
            [
                Cell.Of(ReportInput.StageName(stage, input.F)),
                input.Count(cells.Sum(c => c.Count)),
                input.MoneyByCurrency(cells.GroupBy(c => c.Currency).Select(g => (g.Key, g.Sum(c => c.AmountCents)))),
                input.MoneyByCurrency(cells.GroupBy(c => c.Currency).Select(g => (g.Key, g.Sum(c => c.WeightedCentPercent) / 100))),
            ]);
        }).ToList();

        var tables = new List<ResultTable>
        {
            new()
            {
                Title = input.T("By stage", "依階段"),
                Columns =
                [
                    new(input.T("Stage", "階段")), new(input.T("Deals", "商機數"), ValueKind.Count),
                    new(input.T("Amount", "金額"), ValueKind.Money), new(input.T("Weighted", "加權金額"), ValueKind.Money),
                ],
                Rows = stageRows, TotalRows = stageRows.Count,
            },
        };

        Chart? chart = null;
        if (breakdown != Breakdown.None)
        {
            var byKey = grid.GroupBy(g => g.Key)
                .Select(g => new { g.Key, Name = NameOf(g.Key), Cells = g.ToList(), Main = g.Where(c => c.Currency == mainCurrency).Sum(c => c.AmountCents) })
                .OrderByDescending(x => x.Main).ThenBy(x => x.Name, StringComparer.Ordinal).ToList();
            if (breakdown == Breakdown.Partner)
                foreach (var key in wonByPartner.Select(w => w.PartnerId).Distinct().Where(k => byKey.All(x => x.Key != k)))
                    byKey.Add(new { Key = key, Name = NameOf(key), Cells = new List<Group>(), Main = 0L });

            var page = byKey.Skip(input.Offset).Take(ReportRequest.PageSize).Select(x =>
            {
                var cells = new List<Cell>
                {
                    new(x.Name, Record: breakdown == Breakdown.Owner && x.Key is { } k ? input.Ref(RecordKind.User, k, x.Name) : null),
                    input.Count(x.Cells.Sum(c => c.Count)),
                    input.MoneyByCurrency(x.Cells.GroupBy(c => c.Currency).Select(g => (g.Key, g.Sum(c => c.AmountCents)))),
                    input.MoneyByCurrency(x.Cells.GroupBy(c => c.Currency).Select(g => (g.Key, g.Sum(c => c.WeightedCentPercent) / 100))),
                };
                if (breakdown == Breakdown.Partner)
                    cells.Add(input.MoneyByCurrency(wonByPartner.Where(w => w.PartnerId == x.Key).Select(w => (w.Currency, w.AmountCents))));
                return new Row(cells);
            }).ToList();

            var columns = new List<Column>
            {
                new(breakdown == Breakdown.Owner ? input.T("Owner", "負責人") : input.T("Partner", "通路夥伴")),
                new(input.T("Deals", "商機數"), ValueKind.Count), new(input.T("Amount", "金額"), ValueKind.Money),
                new(input.T("Weighted", "加權金額"), ValueKind.Money),
            };
            if (breakdown == Breakdown.Partner)
                columns.Add(new(input.T($"Won {input.Period.Label}", $"{input.Period.Label} 成交"), ValueKind.Money));
            tables.Add(new ResultTable
            {
                Title = breakdown == Breakdown.Owner ? input.T("By owner", "依負責人") : input.T("By partner", "依通路夥伴"),
                Columns = columns, Rows = page, Offset = input.Offset, TotalRows = byKey.Count, NextPage = input.NextPage(byKey.Count),
            });

            // Stacked bars: one bar per stage, one segment per owner/partner (the eight largest, then "others").
            var shown = byKey.Where(x => x.Main > 0).Take(8).ToList();
            var series = shown.Select(x => new ChartSeries(x.Name,
                OpenStages.Select(s => x.Cells.Where(c => c.Stage == s && c.Currency == mainCurrency).Sum(c => c.AmountCents) / 100.0).ToList())).ToList();
            var rest = byKey.Skip(shown.Count).SelectMany(x => x.Cells).ToList();
            if (rest.Any(c => c.Currency == mainCurrency && c.AmountCents > 0))
                series.Add(new ChartSeries(input.T("Others", "其他"),
                    OpenStages.Select(s => rest.Where(c => c.Stage == s && c.Currency == mainCurrency).Sum(c => c.AmountCents) / 100.0).ToList()));
            if (series.Count > 0)
                chart = new Chart(ChartKind.StackedBar, input.T($"Open pipeline ({mainCurrency})", $"銷售管線（{mainCurrency}）"),
                    input.T("Stage", "階段"), mainCurrency, OpenStages.Select(s => ReportInput.StageName(s, input.F)).ToList(), series);
        }

        var notes = new List<string>();
        if (currencies.Count > 1)
            notes.Add(input.MixedCurrencyNote(currencies));
        var withoutAmount = grid.Sum(g => g.WithoutAmount);
        if (withoutAmount > 0)
            notes.Add(input.T($"{withoutAmount} open deals have no amount and count as 0.", $"{withoutAmount} 筆進行中商機沒有金額，以 0 計算。"));

        return input.Result(breakdown == Breakdown.Partner ? input.T("Pipeline by partner", "銷售管線（依通路夥伴）") : input.T("Pipeline", "銷售管線")) with
        {
            Facts =
            [
                new Fact(input.T("Open deals", "進行中商機"), input.Count(grid.Sum(g => g.Count))),
                new Fact(input.T("Open amount", "管線金額"), input.MoneyByCurrency(grid.GroupBy(g => g.Currency).Select(g => (g.Key, g.Sum(c => c.AmountCents))))),
                new Fact(input.T("Weighted", "加權金額"), input.MoneyByCurrency(grid.GroupBy(g => g.Currency).Select(g => (g.Key, g.Sum(c => c.WeightedCentPercent) / 100)))),
                new Fact(input.T($"Win rate {quarters.Label}", $"贏率 {quarters.Label}"),
                    input.Percent(winLoss.Won + winLoss.Lost == 0 ? null : (double)winLoss.Won / (winLoss.Won + winLoss.Lost))),
            ],
            Tables = tables,
            Chart = chart,
            Notes = notes,
            Actions =
            [
                new SuggestedAction(input.T("Pipeline by partner", "依通路夥伴的銷售管線"), input.T("pipeline by partner", "銷售管線 依通路夥伴")),
                new SuggestedAction(input.T("Forecast", "業務預測"), input.T("forecast", "業務預測")),
            ],
        };
    }
}

public sealed record TotalByPartner(int? PartnerId, string Currency, long AmountCents);
