using CrmBot.Teams;

namespace CrmBot.Web.Cli;

/// <summary>`crmbot teams package --app-id X [--out crmbot-teams.zip] [--website-url https://…]`: the zip to sideload in Teams.</summary>
public static class TeamsPackageVerb
{
    public const string Usage = "package --app-id <Microsoft App ID> [--out crmbot-teams.zip] [--website-url https://…]  build the Teams app package";
    private const string DefaultOut = "crmbot-teams.zip";
    // Teams shows these links on the app's About page; admins should point them at their own pages.
    private const string DefaultWebsite = "https://www.example.com/crmbot";

    public static Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "package")
            return Fail("Usage: crmbot teams " + Usage);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is not ("--app-id" or "--out" or "--website-url") || i + 1 >= args.Length)
                return Fail($"Unexpected argument '{args[i]}'. Usage: crmbot teams {Usage}");
            options[args[i]] = args[++i];
        }
        if (!options.TryGetValue("--app-id", out var appId))
            return Fail("--app-id is required: the Microsoft App ID of your Azure Bot (Azure portal → your bot → Configuration).");

        var outPath = Path.GetFullPath(options.GetValueOrDefault("--out", DefaultOut));
        var templates = Path.Combine(AppContext.BaseDirectory, "manifests", "teams");
        try
        {
            using var buffer = new MemoryStream();
            TeamsAppPackage.Build(templates, appId, options.GetValueOrDefault("--website-url", DefaultWebsite), buffer);
            File.WriteAllBytes(outPath, buffer.ToArray());
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
        Console.WriteLine($"Wrote {outPath}. Upload it in Teams: Apps → Manage your apps → Upload an app (see docs/teams.md).");
        return Task.FromResult(0);
    }

    private static Task<int> Fail(string message)
    {
        Console.Error.WriteLine(message);
        return Task.FromResult(2);
    }
}
