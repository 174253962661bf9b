using System.Diagnostics;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace CrmBot.Web.Cli;

/// <summary>
/// `crmbot bench reports [--runs N] [--as user] [--as-of YYYY-MM-DD]`: runs every report N times against the
/// configured database (each run in a fresh scope and DbContext, as a request would) and prints p50 / p95 per report.
/// Figures to read, never asserted by tests.
/// </summary>
public static class BenchReportsVerb
{
    public const string Usage = "reports [--runs N (20)] [--as <user> (first admin)] [--as-of YYYY-MM-DD] [--report <kind>]";

    public static async Task<int> RunAsync(string[] args)
    {
        var (options, words) = CliServices.Parse(args);
        if (words is not ["reports"])
        {
            Console.WriteLine("Usage: crmbot bench " + Usage);
            return 2;
        }
        var runs = options.TryGetValue("runs", out var r) && int.TryParse(r, out var n) && n > 0 ? n : 20;
        var configuration = CliServices.Configuration();

        Core.Chat.Asker? asker;
        using (var lookup = CliServices.Build(configuration, TimeProvider.System))
        await using (var scope = lookup.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var who = options.GetValueOrDefault("as")
                ?? await db.Users.OrderBy(u => u.Role == UserRole.Admin ? 0 : 1).ThenBy(u => u.Id).Select(u => u.Email).FirstOrDefaultAsync();
            asker = who is null ? null : await CliServices.FindAskerAsync(db, who, CancellationToken.None);
        }
        if (asker is null)
        {
            Console.WriteLine("No CRM user to ask as: the database is empty or --as names no one.");
            return 1;
        }
        var clock = options.TryGetValue("as-of", out var asOf) && DateOnly.TryParseExact(asOf, "yyyy-MM-dd", out var day)
            ? new FixedClock(CliServices.EndOfDay(day, asker.TimeZone))
            : TimeProvider.System;
        await using var services = CliServices.Build(configuration, clock);

        var table = new Table().AddColumns("report", "runs", "p50 ms", "p95 ms", "outcome");
        var kinds = options.TryGetValue("report", out var only)
            ? Enum.GetValues<ReportKind>().Where(k => k.ToString().Equals(only.Replace("-", ""), StringComparison.OrdinalIgnoreCase)).ToArray()
            : Enum.GetValues<ReportKind>();
        foreach (var kind in kinds)
        {
            var request = new ReportRequest(kind);
            var times = new List<double>();
            var outcome = "";
            // One warm-up run: compiles the query and fills the connection pool.
            for (var i = 0; i <= runs; i++)
            {
                await using var scope = services.CreateAsyncScope();
                var runner = scope.ServiceProvider.GetRequiredService<IReportRunner>();
                var watch = Stopwatch.StartNew();
                var result = await runner.RunAsync(request, asker, CancellationToken.None);
                watch.Stop();
                if (i > 0)
                    times.Add(watch.Elapsed.TotalMilliseconds);
                outcome = result.GetType().Name;
            }
            times.Sort();
            table.AddRow(kind.ToString(), runs.ToString(), Percentile(times, 0.50).ToString("0.0"), Percentile(times, 0.95).ToString("0.0"), outcome);
        }
        AnsiConsole.Write(table);
        Console.WriteLine($"As {asker.Name} ({asker.Role}); medians of {runs} runs after one warm-up.");
        return 0;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
