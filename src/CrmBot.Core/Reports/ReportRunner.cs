using System.Collections.Concurrent;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Scheduling;
using CrmBot.Core.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmBot.Core.Reports;

/// <summary>
/// Runs a report for an asker: resolves the scope (refusing what the asker may not see) and the period in the
/// asker's time zone, then hands over to the report named by <see cref="ReportRequest.Kind"/>.
/// </summary>
public sealed class ReportRunner(CrmDbContext db, TimeProvider clock, IOptions<CrmOptions> options, IOptions<NudgeOptions> nudges) : IReportRunner
{
    public async Task<ReportOutcome> RunAsync(ReportRequest request, Asker asker, CancellationToken ct)
    {
        var f = Formats.For(asker.Language);
        if (!ReportCatalog.All.TryGetValue(request.Kind, out var report))
            return new ReportRefused(f.IsChinese ? "目前不支援這個報表。" : "That report is not available.");
        if (request.Breakdown != Breakdown.None && !report.Breakdowns.Contains(request.Breakdown))
            return new BreakdownNotShown(request.Kind, request.Breakdown, report.Breakdowns);

        // One connection for all of a report's reads: opening and closing it around each one cost a report of small
        // queries (an action plan) more than some of its SQL. Reads only, so no lock is held between them.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var (scope, refusal) = await ReportScope.ResolveAsync(db, asker, request.Kind, request.Subject, f, ct);
            if (refusal is not null)
                return refusal;

            var input = Prepare(request, asker, scope!, f, clock.GetUtcNow(), options.Value,
                new ReportThresholds(nudges.Value.StaleDays, nudges.Value.NeglectedDays));
            if (input.Period.HasNotStarted)
                return new PeriodNotStarted(input.Period.Label);
            var result = await report.Run(db, input, ct);
            result = result with
            {
                Tables = [.. result.Tables.Select(t => t.WithEvenMoney(f))],
                Actions = [.. result.Actions.Where(a => !AsksAgain(a, input))],
                Notes = NarrowedNote(request, scope!, f) is { } narrowed ? [narrowed, .. result.Notes] : result.Notes,
            };
            // One person's figures are personal whatever the report: a channel gets team aggregates only (design.md section 7).
            return new ReportAnswered(scope!.IsSingleUser ? result with { HasPersonalRecords = true } : result);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// "Company pipeline" from someone who may not see the company is answered with what they may see (their teams, or
    /// their own records), and says so: the figures must not be read as the company's.
    /// </summary>
    private static string? NarrowedNote(ReportRequest request, ReportScope scope, Formats f) =>
        request.Subject?.Kind == SubjectKind.Everyone && !scope.IsEveryone
            ? f.IsChinese ? $"全公司的數字僅供管理員查看；這裡只顯示{scope.Label}的資料。" : $"Company-wide figures are for admins; this shows {scope.Label} only."
            : null;

    /// <summary>
    /// Whether a follow-up would ask for what the answer already shows ("leads last month" under leads last month): the
    /// same report, subject and options over the same dates. Such a button only repeats the card.
    /// </summary>
    private static bool AsksAgain(SuggestedAction action, ReportInput shown)
    {
        if (FollowUp(action.CommandText) is not ReportCommand { Request: var asked } || asked.Kind != shown.Request.Kind)
            return false;
        var report = ReportCatalog.All[asked.Kind];
        var defaultSubject = ReportScope.DefaultSubject(shown.Asker, asked.Kind);
        return (asked.Subject ?? defaultSubject) == (shown.Request.Subject ?? defaultSubject)
            && asked.ThresholdDays == shown.Request.ThresholdDays && asked.Breakdown == shown.Request.Breakdown
            && asked.Compare == shown.Request.Compare && asked.Metric == shown.Request.Metric
            && (!report.UsesPeriod || shown.Time.Resolve(asked.Period, report.DefaultPeriod) is var period
                && period.StartUtc == shown.Period.StartUtc && period.EndUtc == shown.Period.EndUtc);
    }

    // Follow-ups are a fixed set of sentences (the reports' own): each is parsed once, not on every answer that offers it.
    private const int MaxFollowUpsKept = 1024;
    private static readonly ConcurrentDictionary<string, Command> FollowUps = new(StringComparer.Ordinal);

    private static Command FollowUp(string commandText) =>
        FollowUps.TryGetValue(commandText, out var command) ? command
        : FollowUps.Count < MaxFollowUpsKept ? FollowUps.GetOrAdd(commandText, text => CommandParser.Parse(text))
        : CommandParser.Parse(commandText);

    /// <summary>The input of a report for a scope already resolved (also used by the query-translation test).</summary>
    public static ReportInput Prepare(ReportRequest request, Asker asker, ReportScope scope, Formats f, DateTimeOffset now, CrmOptions options,
        ReportThresholds? thresholds = null)
    {
        var time = new PeriodResolver(PeriodResolver.FindZone(asker.TimeZone), now, options.FiscalYearStartMonth, f);
        var period = time.Resolve(request.Period, ReportCatalog.All[request.Kind].DefaultPeriod);
        return new ReportInput(request, asker, scope, period, time, f, options, thresholds ?? ReportThresholds.Default);
    }
}
