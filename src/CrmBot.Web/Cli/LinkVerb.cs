using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace CrmBot.Web.Cli;

/// <summary>
/// `crmbot link &lt;teams|slack&gt; &lt;platform-user-id&gt; &lt;e-mail&gt; [--workspace W]`: an admin links a chat account
/// to a CRM user by e-mail, for accounts whose e-mail the channel cannot tell us (the Emulator, Web Chat, a Slack
/// workspace without users:read.email). The workspace is what the channel's handler uses (IdentityLinker callers):
/// the Teams tenant id, or the channel id "emulator" where there is no tenant; the Slack team id.
/// </summary>
public static class LinkVerb
{
    public const string Usage = "<teams|slack> <platform-user-id> <e-mail> [--workspace W] [--connection CS]  link a chat account to a CRM user";

    /// <summary>Web Chat and the Emulator carry no tenant: the Teams handler files them under the channel id.</summary>
    public const string EmulatorWorkspace = "emulator";

    public static async Task<int> RunAsync(string[] argv)
    {
        var console = CliConsole.Current;
        var args = new CliArgs(argv);
        if (args.Positional is not [var platformName, var platformUserId, var email]
            || args.Unknown("workspace", CliDatabase.ConnectionOption).Any()
            || ParsePlatform(platformName) is not { } platform)
        {
            CliConsole.Error($"usage: crmbot link {Usage}");
            return 2;
        }
        var workspace = args.Option("workspace") ?? (platform == ChatPlatform.Teams ? EmulatorWorkspace : null);
        if (string.IsNullOrWhiteSpace(workspace))
        {
            CliConsole.Error("--workspace <Slack team id, e.g. T0123ABCD> is required for Slack accounts.");
            return 2;
        }

        var ct = CancellationToken.None;
        await using var db = await CliDatabase.OpenAsync(args, ct);
        var lower = email.Trim().ToLowerInvariant();
        var user = await db.Users.Where(u => u.Email.ToLower() == lower).Select(u => new { u.Id, u.Name, u.IsActive }).FirstOrDefaultAsync(ct);
        if (user is null)
        {
            CliConsole.Error($"no CRM user has the e-mail '{email}'.");
            return 1;
        }
        if (!user.IsActive)
        {
            CliConsole.Error($"{user.Name} is not an active CRM user; the bot would not answer them.");
            return 1;
        }

        // Linking again moves the chat account to the new CRM user (e.g. it was linked to the wrong person).
        var identity = await db.ChatIdentities.AsTracking().FirstOrDefaultAsync(
            i => i.Platform == platform && i.Workspace == workspace && i.PlatformUserId == platformUserId, ct);
        if (identity is null)
        {
            identity = new ChatIdentity { Platform = platform, Workspace = workspace, PlatformUserId = platformUserId };
            db.ChatIdentities.Add(identity);
        }
        identity.UserId = user.Id;
        identity.LinkedAt = TimeProvider.System.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        console.WriteLine($"Linked {platform} account {platformUserId} (workspace {workspace}) to {user.Name} <{lower}>.");
        return 0;
    }

    private static ChatPlatform? ParsePlatform(string name) => name.ToLowerInvariant() switch
    {
        "teams" => ChatPlatform.Teams,
        "slack" => ChatPlatform.Slack,
        _ => null,
    };
}
