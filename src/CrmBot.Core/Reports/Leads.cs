using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Leads created in the period, by source × status (stacked); conversion per source = leads created in the period
/// that are converted ÷ leads created in the period; open leads by age (0–7, 8–30, 31–90, &gt;90 days); the newest
/// untouched open leads (no completed activity) first.
/// </summary>
public static class Leads
{
    /// <summary>Statuses that end a lead's life without a conversion (CRMs name them differently).</summary>
    public static readonly string[] ClosedStatuses = ["Converted", "Lost Lead", "Junk Lead", "Lost", "Junk", "Disqualified", "Not Qualified", "Unqualified"];

    public sealed record SourceStatus(string Source, string Status, int Count, int Converted);

    public sealed record AgeBuckets(int UpTo7, int UpTo30, int UpTo90, int Older, int Untouched);

    public sealed record Untouched
    {
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public string? Company { get; init; }
        public string Source { get; init; } = "";
        public string Status { get; init; } = "";
        public int? OwnerId { get; init; }
        public string? Owner { get; init; }
        public DateTime CreatedAt { get; init; }
    }

    public static IQueryable<SourceStatus> BySourceAndStatus(CrmDbContext db, ReportScope scope, DateTime start, DateTime end, DateTime nowUtc) =>
        db.Leads.InScope(scope)
            .Where(l => l.CreatedAt >= start && l.CreatedAt < end)
            .GroupBy(l => new { l.Source, l.Status })
            .Select(g => new SourceStatus(g.Key.Source, g.Key.Status, g.Count(),
                g.Count(l => (l.ConvertedAt != null && l.ConvertedAt <= nowUtc) || (l.ConvertedAt == null && l.ConvertedOpportunityId != null))));

    /// <summary>Open: not converted and not in a closed status, created by now.</summary>
    public static IQueryable<Lead> Open(CrmDbContext db, ReportScope scope, DateTime nowUtc)
    {
        // Inlined: a list parameter would make EF write the SQL anew on every run.
        var closed = ClosedStatuses.ToList();
        return db.Leads.InScope(scope)
            .Where(l => l.CreatedAt <= nowUtc && l.ConvertedAt == null && l.ConvertedOpportunityId == null && !EF.Constant(closed).Contains(l.Status));
    }

    /// <summary>Open leads by age, and how many of them are untouched: one pass over the open-leads index.</summary>
    public static IQueryable<AgeBuckets> Ages(CrmDbContext db, IQueryable<Lead> open, DateTime nowUtc)
    {
        // Age in whole days: 0–7 means created less than 8 days ago, and so on.
        var d8 = nowUtc.AddDays(-8);
        var d31 = nowUtc.AddDays(-31);
        var d91 = nowUtc.AddDays(-91);
        var completed = CompletedBy(db, nowUtc);
        // Every open lead has a NULL ConvertedOpportunityId: grouping by it is the one group, in index order. A constant
        // key (GroupBy(l => 1)) makes SQLite sort every open lead first.
        return open.GroupBy(l => l.ConvertedOpportunityId).Select(g => new AgeBuckets(
            g.Count(l => l.CreatedAt > d8),
            g.Count(l => l.CreatedAt <= d8 && l.CreatedAt > d31),
            g.Count(l => l.CreatedAt <= d31 && l.CreatedAt > d91),
            g.Count(l => l.CreatedAt <= d91),
            g.Count(l => l.LastTouchAt == null || (l.LastTouchAt > nowUtc && !completed.Any(a => a.LeadId == l.Id)))));
    }

    /// <summary>
    /// Open leads with no completed activity by now. The stored last touch (LastTouch keeps it) answers for every lead
    /// but those stored later than now, which only a report "as of" an earlier clock sees: only these search the activities.
    /// </summary>
    public static IQueryable<Lead> UntouchedLeads(CrmDbContext db, IQueryable<Lead> open, DateTime nowUtc)
    {
        var completed = CompletedBy(db, nowUtc);
        return open.Where(l => l.LastTouchAt == null || (l.LastTouchAt > nowUtc && !completed.Any(a => a.LeadId == l.Id)));
    }

    private static IQueryable<Activity> CompletedBy(CrmDbContext db, DateTime nowUtc) =>
        db.Activities.Where(a => a.Status == ActivityStatus.Completed && a.CompletedAt <= nowUtc);

    /// <summary>
    /// The newest untouched leads. Each of the two disjoint parts is cut to the page's end in its own index order before
    /// they are merged, so a page never sorts every untouched lead.
    /// </summary>
    public static IQueryable<Untouched> Page(CrmDbContext db, IQueryable<Lead> open, DateTime nowUtc, int offset)
    {
        var end = ReportInput.PageEndAfter(offset);
        var completed = CompletedBy(db, nowUtc);
        var neverWorked = open.Where(l => l.LastTouchAt == null)
            .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Take(end);
        var workedAfterClock = open.Where(l => l.LastTouchAt > nowUtc && !completed.Any(a => a.LeadId == l.Id))
            .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Take(end);
        return neverWorked.Concat(workedAfterClock)
            .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Skip(offset).Take(ReportRequest.PageSize)
            .Select(l => new Untouched
            {
                Id = l.Id, Name = l.Name, Company = l.Company, Source = l.Source, Status = l.Status,
                OwnerId = l.OwnerId, Owner = l.Owner!.Name, CreatedAt = l.CreatedAt,
            });
    }

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input)
    {
        var open = Open(db, input.Scope, input.NowUtc);
        return
        [
            BySourceAndStatus(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc, input.NowUtc),
            Ages(db, open, input.NowUtc), Page(db, open, input.NowUtc, input.Offset),
        ];
    }

    /// <summary>
    /// What one person's leads queries vary by, for <see cref="CompiledDefinition{TArgs,TResult}"/>, with the values the
    /// definitions derive (the age boundaries, the page's end). <see cref="OnePerson"/> has no room left for them.
    /// </summary>
    public sealed record LeadsOfOne(int OwnerId, DateTime NowUtc, int Offset, DateTime PeriodStart, DateTime PeriodEnd)
    {
        public ReportScope Scope => ReportScope.ForUser(OwnerId, "");
        public DateTime Days8Ago => NowUtc.AddDays(-8);
        public DateTime Days31Ago => NowUtc.AddDays(-31);
        public DateTime Days91Ago => NowUtc.AddDays(-91);
        public int PageEnd => ReportInput.PageEndAfter(Offset);

        public static CompiledDefinition<LeadsOfOne, T> Compiled<T>(Func<CrmDbContext, LeadsOfOne, IQueryable<T>> definition) =>
            new(definition,
                new LeadsOfOne(1_000_003, new DateTime(2001, 2, 3, 4, 5, 6, 7, DateTimeKind.Utc), 1_000_007,
                    new DateTime(1999, 1, 13, 2, 3, 4, DateTimeKind.Utc), new DateTime(2000, 7, 19, 5, 6, 7, DateTimeKind.Utc)),
                new LeadsOfOne(2_000_029, new DateTime(2002, 4, 6, 8, 10, 12, 14, DateTimeKind.Utc), 2_000_033,
                    new DateTime(1998, 3, 21, 6, 7, 8, DateTimeKind.Utc), new DateTime(2001, 8, 23, 9, 10, 11, DateTimeKind.Utc)),
                // A first page, a clock past the period.
                new LeadsOfOne(3_000_043, new DateTime(2003, 9, 10, 11, 12, 13, 15, DateTimeKind.Utc), 0,
                    new DateTime(1997, 5, 27, 10, 11, 12, DateTimeKind.Utc), new DateTime(2002, 2, 28, 13, 14, 15, DateTimeKind.Utc)));
    }

    // Compiled for one person (a rep's own leads): EF's work on the ad-hoc queries was more than their SQL.
    internal static readonly CompiledDefinition<LeadsOfOne, SourceStatus> GridOfOne =
        LeadsOfOne.Compiled((db, a) => BySourceAndStatus(db, a.Scope, a.PeriodStart, a.PeriodEnd, a.NowUtc));
    internal static readonly CompiledDefinition<LeadsOfOne, AgeBuckets> AgesOfOne =
        LeadsOfOne.Compiled((db, a) => Ages(db, Open(db, a.Scope, a.NowUtc), a.NowUtc));
    internal static readonly CompiledDefinition<LeadsOfOne, Untouched> PageOfOne =
        LeadsOfOne.Compiled((db, a) => Page(db, Open(db, a.Scope, a.NowUtc), a.NowUtc, a.Offset));

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        List<SourceStatus> grid;
        AgeBuckets? ages;
        List<Untouched> page;
        if (input.Scope.SinglePerson is { } only)
        {
            var person = new LeadsOfOne(only, input.NowUtc, input.Offset, input.Period.StartUtc, input.Period.EndUtc);
            grid = await GridOfOne.ToListAsync(db, person, ct);
            ages = (await AgesOfOne.ToListAsync(db, person, ct)).FirstOrDefault();
            page = await PageOfOne.ToListAsync(db, person, ct);
        }
        else
        {
            grid = await BySourceAndStatus(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc, input.NowUtc).ToListAsync(ct);
            var open = Open(db, input.Scope, input.NowUtc);
            ages = await Ages(db, open, input.NowUtc).FirstOrDefaultAsync(ct);
            page = await Page(db, open, input.NowUtc, input.Offset).ToListAsync(ct);
        }
        ages ??= new AgeBuckets(0, 0, 0, 0, 0);
        var untouchedCount = ages.Untouched;

        // By the names shown: two stored values with one name ("Lost" and "Lost Lead" are both 已流失) are one row, one series.
        grid = [.. grid.Select(g => g with { Source = CrmTerms.Name(g.Source, input.F), Status = CrmTerms.Name(g.Status, input.F) })];
        var sources = grid.GroupBy(g => g.Source)
            .Select(g => new { Source = g.Key, Count = g.Sum(x => x.Count), Converted = g.Sum(x => x.Converted) })
            .OrderByDescending(x => x.Count).ThenBy(x => x.Source, StringComparer.Ordinal).ToList();
        var statuses = grid.GroupBy(g => g.Status).OrderByDescending(g => g.Sum(x => x.Count)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var created = grid.Sum(g => g.Count);
        var converted = grid.Sum(g => g.Converted);

        var sourceRows = sources.Select(s => new Row(
        [
            Cell.Of(s.Source), input.Count(s.Count), input.Count(s.Converted),
            input.Percent(s.Count == 0 ? null : (double)s.Converted / s.Count),
        ])).ToList();

        var ageRows = new (string Label, int Count)[]
        {
            (input.T("0–7 days", "0–7 天"), ages.UpTo7), (input.T("8–30 days", "8–30 天"), ages.UpTo30),
            (input.T("31–90 days", "31–90 天"), ages.UpTo90), (input.T("over 90 days", "超過 90 天"), ages.Older),
        }.Select(a => new Row([Cell.Of(a.Label), input.Count(a.Count)])).ToList();

        var leadRows = page.Select(l =>
        {
            var lead = input.Ref(RecordKind.Lead, l.Id, l.Name);
            return input.RecordRow(lead, l.OwnerId,
                new Cell(l.Name, Record: lead), input.Text(l.Company), Cell.Of(CrmTerms.Name(l.Source, input.F)), Cell.Of(CrmTerms.Name(l.Status, input.F)),
                input.Text(l.Owner), input.Date(l.CreatedAt));
        }).ToList();

        // Open and untouched leads are counted on the report's day, not in its period: for a period that is not the
        // current one, the headings say which day, so that today's leads are not read as the period's.
        var today = input.F.Date(input.Today);
        var current = input.Period.StartUtc <= input.NowUtc && input.NowUtc < input.Period.EndUtc;
        string OnToday(string english, string chinese) => current ? input.T(english, chinese) : input.T($"{english} as of {today}", $"截至{today}{chinese}");

        return input.Result(input.T("Leads", "潛在客戶")) with
        {
            Facts =
            [
                new Fact(input.T("Leads created", "新增潛在客戶"), input.Count(created)),
                new Fact(input.T("Converted", "已轉換"), input.Count(converted)),
                new Fact(input.T("Conversion rate", "轉換率"), input.Percent(created == 0 ? null : (double)converted / created)),
                new Fact(OnToday("Untouched open leads", "尚未聯繫的潛在客戶"), input.Count(untouchedCount)),
            ],
            Tables =
            [
                new ResultTable
                {
                    Title = OnToday("Newest untouched leads", "最新尚未聯繫的潛在客戶"),
                    Columns =
                    [
                        new(input.T("Lead", "潛在客戶")), new(input.T("Company", "公司")), new(input.T("Source", "來源")),
                        new(input.T("Status", "狀態")), new(input.T("Owner", "負責人")), new(input.T("Created", "建立日期"), ValueKind.Date),
                    ],
                    Rows = leadRows, Offset = input.Offset, TotalRows = untouchedCount, NextPage = input.NextPage(untouchedCount),
                },
                new ResultTable
                {
                    Title = input.T("Conversion by source", "各來源轉換率"),
                    Columns =
                    [
                        new(input.T("Source", "來源")), new(input.T("Leads", "潛在客戶"), ValueKind.Count),
                        new(input.T("Converted", "已轉換"), ValueKind.Count), new(input.T("Conversion", "轉換率"), ValueKind.Percent),
                    ],
                    Rows = sourceRows, TotalRows = sourceRows.Count,
                },
                new ResultTable
                {
                    Title = OnToday("Open leads by age", "進行中的潛在客戶（依天數）"),
                    Columns = [new(input.T("Age", "天數")), new(input.T("Leads", "潛在客戶"), ValueKind.Count)],
                    Rows = ageRows, TotalRows = ageRows.Count,
                },
            ],
            Chart = grid.Count == 0 ? null : new Chart(ChartKind.StackedBar, input.T("Leads by source and status", "潛在客戶來源與狀態"),
                input.T("Source", "來源"), input.T("Leads", "潛在客戶"), sources.Select(s => s.Source).ToList(),
                statuses.Select(status => new ChartSeries(status,
                    sources.Select(s => (double)grid.Where(g => g.Source == s.Source && g.Status == status).Sum(g => g.Count)).ToList())).ToList()),
            Actions = [new SuggestedAction(input.T("Leads last month", "上個月潛在客戶"), input.T("leads last month", "上個月潛在客戶"))],
            HasPersonalRecords = true,
        };
    }
}
