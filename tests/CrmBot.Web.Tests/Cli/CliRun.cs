using CrmBot.Web.Cli;
using Spectre.Console;

namespace CrmBot.Web.Tests.Cli;

/// <summary>Runs a `crmbot` verb in-process, as the executable would, capturing what it prints.</summary>
internal static class CliRun
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var exitCode = await CliVerbs.RunAsync(args, console);
        return (exitCode, output.ToString());
    }

    /// <summary>"--connection" to a new SQLite file in <paramref name="directory"/> (pooling off, so the file can be deleted).</summary>
    public static string[] Connection(string directory, string name = "crm.db") =>
        ["--connection", $"Data Source={Path.Combine(directory, name)};Pooling=False"];
}
