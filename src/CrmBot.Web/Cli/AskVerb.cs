using System.Globalization;
using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using Spectre.Console;
using Microsoft.Extensions.Options;
using Spectre.Console.Rendering;

namespace CrmBot.Web.Cli;

/// <summary>
/// `crmbot ask --report &lt;kind&gt; … --as &lt;user&gt; [--as-of YYYY-MM-DD] [--json]`: runs one report as a CRM user and
/// prints it as text tables or as the ReportResult JSON. The sentence form (`crmbot ask "my stale deals"`) plugs in
/// at <see cref="AskAsync"/> once the command parser exists: words → ReportRequest → the same output.
/// </summary>
public static class AskVerb
{
    public const string Usage = "\"<question>\" | --report <kind> …  --as <e-mail or full name> [--as-of YYYY-MM-DD] [--json] [--connection <connection string>] " + ReportArguments.Usage;

    private static readonly HashSet<string> KnownOptions =
        new(["as", "as-of", "json", CliDatabase.ConnectionOption, .. ReportArguments.OptionNames], StringComparer.OrdinalIgnoreCase);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        // Chinese text stays readable in the output.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliServices.Configuration(), Console.Out, CancellationToken.None);

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, CancellationToken ct)
    {
        var (options, words) = CliServices.Parse(args, "json");
        if (options.Keys.FirstOrDefault(k => !KnownOptions.Contains(k)) is { } unknown)
        {
            await output.WriteLineAsync($"Unknown option --{unknown}. Usage: crmbot ask {Usage}");
            return 2;
        }
        if (options.TryGetValue(CliDatabase.ConnectionOption, out var connection))
            configuration = new ConfigurationBuilder().AddConfiguration(configuration)
                .AddInMemoryCollection([new($"{DatabaseOptions.Section}:ConnectionString", connection)]).Build();
        ReportRequest? request;
        string? language = null;
        if (options.ContainsKey("report"))
        {
            (request, var error) = ReportArguments.ToRequest(options);
            if (request is null)
            {
                await output.WriteLineAsync(error);
                return 2;
            }
        }
        else if (words.Count > 0)
        {
            // The sentence form: the same parser as chat.
            var command = CommandParser.Parse(string.Join(' ', words));
            if (command is not ReportCommand report)
            {
                await output.WriteLineAsync(NotAReport(command));
                return 2;
            }
            (request, language) = (report.Request, report.Language);
        }
        else
        {
            await output.WriteLineAsync("Usage: crmbot ask " + Usage);
            return 2;
        }
        if (!options.TryGetValue("as", out var who))
        {
            await output.WriteLineAsync("--as <e-mail or full name> is required: reports answer what that CRM user may see.");
            return 2;
        }
        DateOnly? asOf = null;
        if (options.TryGetValue("as-of", out var asOfText))
        {
            if (!DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", out var day))
            {
                await output.WriteLineAsync("--as-of must be a date as YYYY-MM-DD.");
                return 2;
            }
            asOf = day;
        }
        return await AskAsync(request, who, asOf, options.ContainsKey("json"), configuration, output, ct, language);
    }

    private const string NotAPerson = "An action plan is about one person: ask it --as them, or name a rep with --subject user:<name>.";

    /// <summary>`ask` answers report questions; for anything else it says what the words were taken for and what to ask.</summary>
    private static string NotAReport(Command command) => command switch
    {
        UnknownCommand u => $"'{u.Text}' is not a question I know. Did you mean: {string.Join(" · ", u.Suggestions)}?",
        UnusableValueCommand { Kind: UnusableValue.Days } v => $"'{v.Text}' cannot be used: a number of days goes from 0 to {UnusableValueCommand.MaxDays}.",
        UnusableValueCommand { Kind: UnusableValue.Page } v => $"'{v.Text}' cannot be used: pages are numbered from 1 to {UnusableValueCommand.MaxPage.ToString("#,0", CultureInfo.InvariantCulture)}.",
        UnusableValueCommand { Kind: UnusableValue.SecondPeriod } v => $"'{v.Text}' is a second period; ask for one period at a time.",
        UnusableValueCommand { Kind: UnusableValue.LastDays } v => $"'{v.Text}' cannot be used: the last N days go back from 1 to {UnusableValueCommand.MaxDays} days.",
        UnusableValueCommand { Kind: UnusableValue.LastMonths } v => $"'{v.Text}' cannot be used: the last N months go back from 1 to {UnusableValueCommand.MaxMonths} months.",
        UnusableValueCommand v => $"'{v.Text}' is not a period I can read; see --period in the usage.",
        _ => $"That is a chat command ({command.GetType().Name.Replace("Command", "")}), not a report question. Report questions:\n  " +
             string.Join("\n  ", CommandCatalog.Topics.Select(t => t.ExamplesEn.FirstOrDefault()).OfType<string>()
                 .Where(example => CommandParser.Parse(example) is ReportCommand)),
    };

    /// <summary>One question, already a request: run it as <paramref name="who"/> and print the outcome.</summary>
    public static async Task<int> AskAsync(ReportRequest request, string who, DateOnly? asOf, bool json,
        IConfiguration configuration, TextWriter output, CancellationToken ct, string? language = null)
    {
        try
        {
            Asker? asker;
            using (var lookup = CliServices.Build(configuration, TimeProvider.System))
            await using (var scope = lookup.CreateAsyncScope())
                asker = await CliServices.FindAskerAsync(scope.ServiceProvider.GetRequiredService<CrmDbContext>(), who, ct);
            if (asker is null)
            {
                await output.WriteLineAsync($"No CRM user has the e-mail or name '{who}'.");
                return 1;
            }

            if (language is not null)
                asker = asker with { Language = language };
            var clock = asOf is { } day ? new FixedClock(CliServices.EndOfDay(day, asker.TimeZone)) : TimeProvider.System;
            await using var services = CliServices.Build(configuration, clock);
            await using var run = services.CreateAsyncScope();
            var outcome = await run.ServiceProvider.GetRequiredService<IReportRunner>().RunAsync(request, asker, ct);
            if (json)
                await output.WriteLineAsync(JsonSerializer.Serialize(ToJson(outcome), Json));
            else
                Print(outcome, output);
            return outcome is ReportAnswered ? 0 : 1;
        }
        catch (OptionsValidationException e)
        {
            await output.WriteLineAsync("Configuration is not valid: " + string.Join(" ", e.Failures));
            return 2;
        }
        catch (DbException e)
        {
            await output.WriteLineAsync("The CRM database could not be read (" + e.Message + "). Start `crmbot serve` once to create it, or check Database:ConnectionString.");
            return 2;
        }
    }

    private static object ToJson(ReportOutcome outcome) => outcome switch
    {
        ReportAnswered a => a.Result,
        ReportRefused r => new { outcome = "refused", message = r.Message },
        SubjectNotAPerson => new { outcome = "notAPerson", message = NotAPerson },
        PeriodNotStarted p => new { outcome = "periodNotStarted", period = p.Label },
        BreakdownNotShown b => new { outcome = "breakdownNotShown", message = b.Text(chinese: false) },
        SubjectAmbiguous a => new { outcome = "ambiguous", name = a.Name, candidates = a.Candidates },
        SubjectNotFound n => new { outcome = "notFound", name = n.Name, kind = n.Kind },
        _ => new { outcome = outcome.GetType().Name },
    };

    /// <summary>Readable text: title, context, facts, tables (with "more rows" hints), chart data, notes and follow-ups.</summary>
    public static void Print(ReportOutcome outcome, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output),
        });
        switch (outcome)
        {
            case ReportRefused refused:
                console.WriteLine(refused.Message);
                return;
            case SubjectNotAPerson:
                console.WriteLine(NotAPerson);
                return;
            case BreakdownNotShown breakdown:
                console.WriteLine(breakdown.Text(chinese: false));
                return;
            case PeriodNotStarted notStarted:
                console.WriteLine($"'{notStarted.Label}' starts after today: nothing is in it yet.");
                return;
            case SubjectNotFound notFound:
                console.WriteLine(notFound.Kind == SubjectKind.Team ? $"No team called '{notFound.Name}'." : $"No one called '{notFound.Name}'.");
                return;
            case SubjectAmbiguous ambiguous:
                console.WriteLine($"'{ambiguous.Name}' could be: {string.Join(", ", ambiguous.Candidates.Select(c => c.Name))}.");
                return;
            case ReportAnswered { Result: var r }:
                console.Write(new Rule(Markup.Escape(r.Title)).LeftJustified());
                console.WriteLine(r.Context);
                if (r.Facts.Count > 0)
                {
                    var facts = new Grid().AddColumn().AddColumn(new GridColumn().RightAligned());
                    foreach (var fact in r.Facts)
                        facts.AddRow(new Text(fact.Label), new Text(fact.Value.Text));
                    console.Write(facts);
                }
                foreach (var table in r.Tables)
                    console.Write(ToTable(table));
                if (r.Chart is { } chart)
                    console.Write(ChartTable(chart));
                foreach (var note in r.Notes)
                    console.WriteLine("Note: " + note);
                if (r.Actions.Count > 0)
                    console.WriteLine("Try: " + string.Join(" | ", r.Actions.Select(a => a.CommandText)));
                return;
        }
    }

    private static Table ToTable(ResultTable t)
    {
        var table = new Table().Border(TableBorder.Simple);
        if (t.Title is not null)
            table.Title(Markup.Escape(t.Title));
        foreach (var c in t.Columns)
            table.AddColumn(new TableColumn(new Text(c.Header)) { Alignment = c.Align == CrmBot.Core.Reports.Align.Right ? Justify.Right : Justify.Left });
        foreach (var row in t.Rows)
            table.AddRow(row.Cells.Select(c => (IRenderable)new Text(c.Text)));
        if (t.HasMore)
            table.Caption($"{t.Offset + 1}–{t.Offset + t.Rows.Count} of {t.TotalRows}" + (t.NextPage is { } next ? $"; next page: --offset {next.Offset}" : ""));
        return table;
    }

    private static Table ChartTable(Chart chart)
    {
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"{chart.Title} ({chart.Kind})"));
        table.AddColumn(new TableColumn(new Text(chart.XTitle)));
        foreach (var s in chart.Series)
            table.AddColumn(new TableColumn(new Text(s.Legend)) { Alignment = Justify.Right });
        for (var i = 0; i < chart.Categories.Count; i++)
        {
            var index = i;
            table.AddRow(chart.Series.Select(s => (IRenderable)new Text(s.Values[index].ToString("#,0.##", System.Globalization.CultureInfo.InvariantCulture)))
                .Prepend(new Text(chart.Categories[i])));
        }
        return table;
    }
}
