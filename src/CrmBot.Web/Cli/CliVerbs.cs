using Spectre.Console;

namespace CrmBot.Web.Cli;

/// <summary>The command-line verbs of `crmbot`, registered in one visible list.</summary>
public static class CliVerbs
{
    private static readonly Dictionary<string, (string Usage, Func<string[], Task<int>> Run)> Verbs = new()
    {
        ["import"] = (ImportVerb.Usage, ImportVerb.RunAsync),
        ["generate"] = (GenerateVerb.Usage, GenerateVerb.RunAsync),
        ["db"] = (DbVerb.Usage, DbVerb.RunAsync),
        ["ask"] = (AskVerb.Usage, AskVerb.RunAsync),
        ["bench"] = (BenchVerbs.Usage, BenchVerbs.RunAsync),
        ["teams"] = (TeamsPackageVerb.Usage, TeamsPackageVerb.RunAsync),
        ["link"] = (LinkVerb.Usage, LinkVerb.RunAsync),
        ["load"] = (LoadVerb.Usage, LoadVerb.RunAsync),
    };

    /// <summary>
    /// `crmbot` with no verb, `serve`, or host options (--urls …) runs the bot: null. Any other verb is a command-line tool,
    /// and --help anywhere asks for help rather than start a server.
    /// </summary>
    public static string[]? ToolArguments(string[] args)
    {
        if (args.Length == 0)
            return null;
        if (args[0] == "serve" || args[0].StartsWith('-'))
            return args.Any(IsHelp) ? ["help"] : null;
        return args;
    }

    private static bool IsHelp(string arg) => arg is "--help" or "-h";

    /// <summary>Runs a verb writing to <paramref name="console"/> (tests run verbs in-process this way).</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console)
    {
        using var _ = CliConsole.Use(console);
        return await RunAsync(args);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var asked = args.Length > 0 && (args[0] == "help" || IsHelp(args[0]));
        if (asked || args.Length == 0 || !Verbs.TryGetValue(args[0], out var verb))
        {
            var console = CliConsole.Current;
            if (!asked)
                console.WriteLine($"Unknown command '{(args.Length > 0 ? args[0] : "")}'.");
            console.WriteLine("Usage: crmbot [serve] | crmbot <command>\nCommands:");
            foreach (var (name, v) in Verbs)
                console.WriteLine($"  {name,-10} {v.Usage}");
            return asked ? 0 : 2;
        }
        if (args[1..].Any(IsHelp))
        {
            CliConsole.Current.WriteLine($"Usage: crmbot {args[0]} {verb.Usage}");
            return 0;
        }
        try
        {
            return await verb.Run(args[1..]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A tool's user gets the reason, not a stack trace (e.g. a database file that cannot be opened).
            CliConsole.Error($"{e.GetBaseException().Message}");
            return 1;
        }
    }
}
