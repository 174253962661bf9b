using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using CrmBot.Core.Data;
using CrmBot.Core.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Cli;

/// <summary>
/// `crmbot bench nudges [--connection "Data Source=..."] [--provider Sqlite|SqlServer] [--as-of yyyy-MM-dd]`:
/// prepares (plans and renders, never sends) the nudge of every active rep in the configured CRM database,
/// the way the nudge job does, and prints total time, time per rep and peak working set
/// (design.md 10: all 1,000 reps in under 30 s, memory under 400 MB).
/// </summary>
public static class BenchNudgesVerb
{
    public const string Usage = "nudges [--connection <cs>] [--provider Sqlite|SqlServer] [--as-of yyyy-MM-dd]  time preparing every rep's nudge";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken ct = default)
    {
        if (args.Length == 0 || args[0] != "nudges")
        {
            await output.WriteLineAsync("Usage: crmbot bench " + Usage);
            return 2;
        }
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var options = configuration.GetSection(NudgeOptions.Section).Get<NudgeOptions>() ?? new NudgeOptions();
        DateTime asOf;
        try
        {
            (database, asOf) = Parse(args[1..], database);
        }
        catch (FormatException e)
        {
            await output.WriteLineAsync(e.Message);
            return 2;
        }

        await using var db = Open(database);
        try
        {
            var total = Stopwatch.StartNew();
            var reps = await db.Users.AsNoTracking().Where(u => u.IsActive && u.Role == UserRole.Rep).ToListAsync(ct);
            var plans = await new NudgePlanner(db, options).PlanAsync(reps, asOf, ct);
            var replies = reps.Where(r => plans[r.Id].Items.Count > 0).Select(r => NudgeMessage.Build(plans[r.Id], r)).ToList();
            total.Stop();

            var items = plans.Values.Sum(p => p.TotalItems);
            var perRep = reps.Count == 0 ? 0 : total.Elapsed.TotalMilliseconds / reps.Count;
            var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"""
                nudges prepared as of {asOf:yyyy-MM-dd HH:mm} UTC ({database.Provider})
                reps: {reps.Count}
                nudges with items: {replies.Count}
                items found: {items}
                total: {total.Elapsed.TotalMilliseconds:F0} ms
                per rep: {perRep:F2} ms
                peak working set: {peakMb:F0} MB
                """));
            return 0;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            await output.WriteLineAsync($"Could not read the CRM database ({database.Provider}): {e.Message}");
            return 1;
        }
    }

    private static (DatabaseOptions Database, DateTime AsOf) Parse(string[] args, DatabaseOptions database)
    {
        var asOf = TimeProvider.System.GetUtcNow().UtcDateTime;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i++])
            {
                case "--connection": database.ConnectionString = value; break;
                case "--provider":
                    database.Provider = Enum.TryParse<DatabaseProvider>(value, true, out var p) ? p : throw new FormatException("--provider is Sqlite or SqlServer.");
                    break;
                case "--as-of":
                    asOf = DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                        ? d.AddHours(12) : throw new FormatException("--as-of is a date: yyyy-MM-dd.");
                    break;
                default: throw new FormatException($"Unknown option {args[i - 1]}.");
            }
        }
        return (database, asOf);
    }

    private static CrmDbContext Open(DatabaseOptions database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
            return DatabaseSetup.CreateSqlite(database.ConnectionString);
        var b = new DbContextOptionsBuilder<SqlServerCrmDbContext>();
        DatabaseSetup.ConfigureSqlServer(b, database.ConnectionString);
        return new SqlServerCrmDbContext(b.Options);
    }
}
