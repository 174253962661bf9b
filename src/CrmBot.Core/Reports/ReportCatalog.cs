using CrmBot.Core.Commands;
using CrmBot.Core.Data;

namespace CrmBot.Core.Reports;

/// <summary>One report: its default period, whether it is about a period at all, its queries and its run.</summary>
public sealed record ReportDefinition(
    ReportKind Kind,
    PeriodKind DefaultPeriod,
    bool UsesPeriod,
    Func<CrmDbContext, ReportInput, IEnumerable<IQueryable>> Queries,
    Func<CrmDbContext, ReportInput, CancellationToken, Task<ReportResult>> Run)
{
    /// <summary>The breakdowns the report shows, as a grouping or a column ("pipeline by partner", "leads by source").</summary>
    public IReadOnlyList<Breakdown> Breakdowns { get; init; } = [];
}

/// <summary>Every report, in one visible list (routing is data). Default periods are documented in docs/reports.md.</summary>
public static class ReportCatalog
{
    public static readonly IReadOnlyDictionary<ReportKind, ReportDefinition> All = new ReportDefinition[]
    {
        new(ReportKind.StaleDeals, PeriodKind.AllTime, false, StaleDeals.Queries, StaleDeals.RunAsync) { Breakdowns = [Breakdown.Owner, Breakdown.Stage] },
        new(ReportKind.NeglectedCustomers, PeriodKind.AllTime, false, NeglectedCustomers.Queries, NeglectedCustomers.RunAsync) { Breakdowns = [Breakdown.Owner] },
        new(ReportKind.Leaderboard, PeriodKind.ThisQuarter, true, Leaderboard.Queries, Leaderboard.RunAsync) { Breakdowns = [Breakdown.Owner] },
        new(ReportKind.LostDeals, PeriodKind.ThisQuarter, true, LostDeals.Queries, LostDeals.RunAsync) { Breakdowns = [Breakdown.Owner, Breakdown.Stage] },
        new(ReportKind.Pipeline, PeriodKind.ThisQuarter, true, Pipeline.Queries, Pipeline.RunAsync) { Breakdowns = [Breakdown.Stage, Breakdown.Owner, Breakdown.Partner] },
        new(ReportKind.Leads, PeriodKind.ThisMonth, true, Leads.Queries, Leads.RunAsync) { Breakdowns = [Breakdown.Source, Breakdown.Status] },
        new(ReportKind.Activity, PeriodKind.ThisWeek, true, ActivityMatrix.Queries, ActivityMatrix.RunAsync) { Breakdowns = [Breakdown.ActivityType, Breakdown.Owner] },
        new(ReportKind.WinRate, PeriodKind.ThisQuarter, true, WinRate.Queries, WinRate.RunAsync) { Breakdowns = [Breakdown.Owner] },
        new(ReportKind.Trends, PeriodKind.ThisQuarter, true, Trends.Queries, Trends.RunAsync),
        new(ReportKind.Forecast, PeriodKind.ThisQuarter, true, Forecast.Queries, Forecast.RunAsync) { Breakdowns = [Breakdown.Owner] },
        new(ReportKind.ActionPlan, PeriodKind.ThisQuarter, true, ActionPlan.Queries, ActionPlan.RunAsync),
    }.ToDictionary(d => d.Kind);
}
