using System.Globalization;
using CrmBot.Core.Demo;
using Spectre.Console;

namespace CrmBot.Web.Cli;

/// <summary>`crmbot generate`: demo data into an empty configured SQLite database, e.g. `--scale large` for benchmarks.</summary>
public static class GenerateVerb
{
    public const string Usage = "[--seed N] [--date YYYY-MM-DD] [--scale demo|large|N] [--connection CS]  generate demo data";

    public static async Task<int> RunAsync(string[] argv)
    {
        var console = CliConsole.Current;
        var args = new CliArgs(argv);
        var databaseOptions = CliDatabase.Options(args);
        var seed = databaseOptions.DemoSeed;
        var today = DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime);
        var scale = DemoScale.Demo;
        var valid = args.Positional.Count == 0 && !args.Unknown("seed", "date", "scale", CliDatabase.ConnectionOption).Any();
        if (args.Option("seed") is { } seedText)
            valid &= int.TryParse(seedText, CultureInfo.InvariantCulture, out seed);
        if (args.Option("date") is { } dateText)
            valid &= DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out today);
        if (args.Option("scale") is { } scaleText)
        {
            var parsed = DemoScale.Parse(scaleText);
            valid &= parsed is not null;
            scale = parsed ?? scale;
        }
        if (!valid)
        {
            CliConsole.Error($"usage: crmbot generate {Usage}");
            return 2;
        }

        await using var db = await CliDatabase.OpenAsync(args, CancellationToken.None);
        if (!await DemoSeeder.IsEmptyAsync(db, CancellationToken.None))
        {
            CliConsole.Error("the database already has users; generate into a new database (e.g. --connection \"Data Source=bench.db\").");
            return 1;
        }
        console.WriteLine($"Generating {scale.Reps:N0} reps' data for {today:yyyy-MM-dd} (seed {seed})...");
        // Generating for the real today: nothing after this moment (an explicit --date places the whole day).
        DateTime? nowUtc = args.Option("date") is null ? TimeProvider.System.GetUtcNow().UtcDateTime : null;
        var result = await DemoSeeder.SeedAsync(db, new DemoOptions(seed, today, scale, NowUtc: nowUtc), CancellationToken.None);
        console.WriteLine($"Wrote {result.Rows:N0} rows in {result.Elapsed.TotalSeconds:F1} s ({result.RowsPerSecond:N0} rows/s). Admin: {DemoDataGenerator.AdminEmail}");
        return 0;
    }
}
