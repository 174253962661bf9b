using CrmBot.Core.Data;
using CrmBot.Core.Import;
using Spectre.Console;

namespace CrmBot.Web.Cli;

/// <summary>`crmbot import maven|zoho DIR`: imports a CRM export with a progress display; rejected rows are listed as file:line: reason.</summary>
public static class ImportVerb
{
    public const string Usage = "maven|zoho DIR [--connection CS]  import a CRM export (all or nothing; re-running changes nothing)";

    private delegate Task<ImportResult> Importer(CrmDbContext db, string directory, IProgress<ImportProgress>? progress, CancellationToken ct);

    private static readonly Dictionary<string, Importer> Importers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["maven"] = MavenImport.RunAsync,
        ["zoho"] = ZohoImport.RunAsync,
    };

    public static async Task<int> RunAsync(string[] argv)
    {
        var console = CliConsole.Current;
        var args = new CliArgs(argv);
        if (args.Positional is not [var kind, var directory] || !Importers.TryGetValue(kind, out var importer) || args.Unknown(CliDatabase.ConnectionOption).Any())
        {
            CliConsole.Error("usage: crmbot import maven|zoho DIR [--connection \"Data Source=crmbot.db\"]");
            return 2;
        }
        if (!Directory.Exists(directory))
        {
            CliConsole.Error($"directory not found: {directory}");
            return 1;
        }

        await using var db = await CliDatabase.OpenAsync(args, CancellationToken.None);
        ImportResult result;
        try
        {
            result = await console.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                .StartAsync(ctx => importer(db, directory, new ProgressTasks(ctx), CancellationToken.None));
        }
        catch (ImportFileException e)
        {
            CliConsole.Error(e.Message);
            return 1;
        }

        if (!result.Succeeded)
        {
            foreach (var rejected in result.Rejected)
                console.WriteLine(rejected);
            CliConsole.Error($"nothing was imported: {result.Rejected.Count} rejected row(s). Fix them and run the import again.");
            return 1;
        }

        var table = new Table().AddColumns("Table", "Added", "Updated");
        foreach (var change in result.Changes)
            table.AddRow(change.Table, change.Added.ToString("N0"), change.Updated.ToString("N0"));
        console.Write(table);
        foreach (var note in result.Notes)
            console.WriteLine(note);
        console.WriteLine(result.Changes.Any(c => c.Added + c.Updated > 0)
            ? $"Imported {kind.ToLowerInvariant()} from {directory}."
            : "Nothing changed: the database already matches these files.");
        return 0;
    }

    /// <summary>One progress bar per import step, updated as the importer reports (synchronously, so no update arrives late).</summary>
    private sealed class ProgressTasks(ProgressContext context) : IProgress<ImportProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(ImportProgress value)
        {
            if (!_tasks.TryGetValue(value.Step, out var task))
                _tasks[value.Step] = task = context.AddTask(value.Step);
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Total == 0 ? 1 : value.Done;
        }
    }
}
