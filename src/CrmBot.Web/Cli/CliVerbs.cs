namespace CrmBot.Web.Cli;

/// <summary>The command-line verbs of `crmbot`, registered in one visible list.</summary>
public static class CliVerbs
{
    private static readonly Dictionary<string, (string Usage, Func<string[], Task<int>> Run)> Verbs = new()
    {
        ["teams"] = (TeamsPackageVerb.Usage, TeamsPackageVerb.RunAsync),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args[0] is "help" or "--help" || !Verbs.TryGetValue(args[0], out var verb))
        {
            Console.Error.WriteLine(args[0] is "help" or "--help" ? "" : $"Unknown command '{args[0]}'.");
            Console.Error.WriteLine("Usage: crmbot [serve] | crmbot <command>\nCommands:");
            foreach (var (name, v) in Verbs)
                Console.Error.WriteLine($"  {name,-10} {v.Usage}");
            return args[0] is "help" or "--help" ? 0 : 2;
        }
        return await verb.Run(args[1..]);
    }
}
