using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Tests.Cli;

public sealed class LinkVerbFacts
{
    /// <summary>A demo database with two reps; returns their e-mails (read from the database, not assumed).</summary>
    private static async Task<string[]> TwoRepsAsync(string[] connection)
    {
        var (exitCode, output) = await CliRun.RunAsync(["generate", "--seed", "5", "--date", "2026-01-15", "--scale", "2", .. connection]);
        Assert.True(exitCode == 0, output);
        await using var db = DatabaseSetup.CreateSqlite(connection[1]);
        return [.. await db.Users.Where(u => u.Role == UserRole.Rep).OrderBy(u => u.Id).Select(u => u.Email).ToListAsync()];
    }

    private static async Task<List<(ChatPlatform Platform, string Workspace, string PlatformUserId, string Email)>> IdentitiesAsync(string[] connection)
    {
        await using var db = DatabaseSetup.CreateSqlite(connection[1]);
        var rows = await db.ChatIdentities.Select(i => new { i.Platform, i.Workspace, i.PlatformUserId, i.User!.Email }).ToListAsync();
        return [.. rows.Select(r => (r.Platform, r.Workspace, r.PlatformUserId, r.Email))];
    }

    [Fact]
    public async Task Link_WritesATeamsIdentityUnderTheEmulatorWorkspace_WhenNoWorkspaceIsGiven()
    {
        using var temp = new TempDirectory();
        var connection = CliRun.Connection(temp.Path);
        var reps = await TwoRepsAsync(connection);

        // The e-mail is matched case-insensitively, as the identity linker does.
        var (exitCode, output) = await CliRun.RunAsync(["link", "teams", "29:webchat-user", reps[0].ToUpperInvariant(), .. connection]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Linked", output);
        Assert.Equal([(ChatPlatform.Teams, "emulator", "29:webchat-user", reps[0])], await IdentitiesAsync(connection));
    }

    [Fact]
    public async Task Link_MovesTheAccountToTheNewUser_WhenLinkedAgain()
    {
        using var temp = new TempDirectory();
        var connection = CliRun.Connection(temp.Path);
        var reps = await TwoRepsAsync(connection);

        await CliRun.RunAsync(["link", "slack", "U123", reps[0], "--workspace", "T999", .. connection]);
        var (exitCode, output) = await CliRun.RunAsync(["link", "slack", "U123", reps[1], "--workspace", "T999", .. connection]);

        Assert.True(exitCode == 0, output);
        Assert.Equal([(ChatPlatform.Slack, "T999", "U123", reps[1])], await IdentitiesAsync(connection));
    }

    [Fact]
    public async Task Link_FailsWithoutWriting_WhenNoUserHasTheEmail()
    {
        using var temp = new TempDirectory();
        var connection = CliRun.Connection(temp.Path);
        await TwoRepsAsync(connection);

        var (exitCode, output) = await CliRun.RunAsync(["link", "teams", "29:someone", "nobody@example.invalid", .. connection]);

        Assert.Equal(1, exitCode);
        Assert.Contains("no CRM user has the e-mail", output);
        Assert.Empty(await IdentitiesAsync(connection));
    }

    [Theory]
    [InlineData("link", "discord", "u1", "a@b.c")]
    [InlineData("link", "teams", "u1")]
    [InlineData("link", "slack", "U1", "a@b.c")] // Slack needs the team id
    public async Task Link_ExitsWithUsage_WhenTheArgumentsAreIncomplete(params string[] args)
    {
        var (exitCode, output) = await CliRun.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains("error:", output);
    }
}
