using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Completed activities with completed-at in the period, as a matrix rep × type (call, visit, meeting, email,
/// other), with row and column totals. Reps in scope with no activity are listed with zeros; busiest first.
/// </summary>
public static class ActivityMatrix
{
    /// <summary>The matrix columns; tasks (and any other type) count as "other".</summary>
    public static readonly ActivityType[] Columns = [ActivityType.Call, ActivityType.Visit, ActivityType.Meeting, ActivityType.Email, ActivityType.Task];

    public sealed record OwnerType(int OwnerId, ActivityType Type, int Count);

    public static IQueryable<OwnerType> Counts(CrmDbContext db, ReportScope scope, DateTime start, DateTime end) =>
        db.Activities.InScope(scope)
            .Where(a => a.Status == ActivityStatus.Completed && a.CompletedAt >= start && a.CompletedAt < end)
            .GroupBy(a => new { a.OwnerId, a.Type })
            .Select(g => new OwnerType(g.Key.OwnerId, g.Key.Type, g.Count()));

    public static string TypeName(ActivityType type, Formats f) => type switch
    {
        ActivityType.Call => f.IsChinese ? "電話" : "Call",
        ActivityType.Visit => f.IsChinese ? "拜訪" : "Visit",
        ActivityType.Meeting => f.IsChinese ? "會議" : "Meeting",
        ActivityType.Email => f.IsChinese ? "郵件" : "Email",
        _ => f.IsChinese ? "其他" : "Other",
    };

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input) =>
    [
        Counts(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc),
        Leaderboard.Reps(db, input.Scope),
        Leaderboard.OwnerNames(db, [1]),
    ];

    // Compiled for one person (a rep's own activity): EF's work on the ad-hoc queries was more than their SQL.
    internal static readonly CompiledDefinition<OnePerson, OwnerType> CountsOfOne = OnePerson.Compiled((db, a) => Counts(db, a.Scope, a.PeriodStart, a.PeriodEnd));
    internal static readonly CompiledDefinition<OnePerson, RepName> RepsOfOne = OnePerson.Compiled((db, a) => Leaderboard.Reps(db, a.Scope));

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        List<OwnerType> counts;
        List<RepName> reps;
        if (input.Scope.SinglePerson is { } only)
        {
            var person = OnePerson.Of(input, only, 0);
            counts = await CountsOfOne.ToListAsync(db, person, ct);
            reps = await RepsOfOne.ToListAsync(db, person, ct);
        }
        else
        {
            counts = await Counts(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc).ToListAsync(ct);
            reps = await Leaderboard.Reps(db, input.Scope).ToListAsync(ct);
        }
        var missing = counts.Select(c => c.OwnerId).Distinct().Except(reps.Select(r => r.Id)).ToList();
        if (missing.Count > 0)
            reps.AddRange(await Leaderboard.OwnerNames(db, missing).ToListAsync(ct));

        int Column(ActivityType t) => Array.IndexOf(Columns, t) is var i and >= 0 ? i : Columns.Length - 1;
        var countsByOwner = counts.ToLookup(c => c.OwnerId); // a company has thousands of reps: no scan per rep
        var matrix = reps.Select(r =>
        {
            var values = new int[Columns.Length];
            foreach (var c in countsByOwner[r.Id])
                values[Column(c.Type)] += c.Count;
            return (Rep: r, Values: values, Total: values.Sum());
        }).OrderByDescending(x => x.Total).ThenBy(x => x.Rep.Name, StringComparer.Ordinal).ThenBy(x => x.Rep.Id).ToList();

        var columnTotals = Enumerable.Range(0, Columns.Length).Select(i => matrix.Sum(m => m.Values[i])).ToArray();
        var page = matrix.Skip(input.Offset).Take(ReportRequest.PageSize).ToList();
        var rows = page.Select(m => new Row(
                new[] { new Cell(m.Rep.Name, Record: input.Ref(RecordKind.User, m.Rep.Id, m.Rep.Name)) }
                    .Concat(m.Values.Select(v => input.Count(v))).Append(input.Count(m.Total)).ToList())
            { Record = input.Ref(RecordKind.User, m.Rep.Id, m.Rep.Name) })
            .ToList();
        var totalRow = new Row(new[] { Cell.Of(input.T("Total", "合計")) }
            .Concat(columnTotals.Select(v => input.Count(v))).Append(input.Count(columnTotals.Sum())).ToList());

        var typeNames = Columns.Select(t => TypeName(t, input.F)).ToList();
        List<Column> columns = [new(input.T("Rep", "業務")), .. typeNames.Select(n => new Column(n, ValueKind.Count)), new(input.T("Total", "合計"), ValueKind.Count)];
        return input.Result(input.T("Activity", "活動量")) with
        {
            Facts =
            [
                new Fact(input.T("Completed activities", "已完成活動"), input.Count(columnTotals.Sum())),
                .. Columns.Select((t, i) => new Fact(typeNames[i], input.Count(columnTotals[i]))),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns = columns, Rows = rows, Offset = input.Offset, TotalRows = matrix.Count, NextPage = input.NextPage(matrix.Count),
                },
                // Column totals over every rep in scope, not just this page.
                new ResultTable { Title = input.T("Total", "合計"), Columns = columns, Rows = [totalRow], TotalRows = 1 },
            ],
            Chart = page.Count == 0 ? null : new Chart(ChartKind.StackedBar, input.T("Activities by rep and type", "各業務活動量（依類型）"),
                input.T("Rep", "業務"), input.T("Activities", "活動數"), page.Select(m => m.Rep.Name).ToList(),
                Columns.Select((t, i) => new ChartSeries(typeNames[i], page.Select(m => (double)m.Values[i]).ToList())).ToList()),
            Actions = [new SuggestedAction(input.T("Activity last week", "上週活動量"), input.T("team activity last week", "上週團隊活動量"))],
        };
    }
}
