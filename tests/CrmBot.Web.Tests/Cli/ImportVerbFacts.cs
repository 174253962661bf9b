using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Tests.Cli;

public sealed class ImportVerbFacts
{
    [Fact]
    public async Task Import_ImportsThenChangesNothing_WhenRunTwiceOnMaven()
    {
        using var temp = new TempDirectory();
        var connection = CliRun.Connection(temp.Path);

        var (firstExit, firstOutput) = await CliRun.RunAsync(["import", "maven", RepoPaths.Maven, .. connection]);
        var (secondExit, secondOutput) = await CliRun.RunAsync(["import", "maven", RepoPaths.Maven, .. connection]);

        Assert.Equal(0, firstExit);
        Assert.Contains("Opportunities", firstOutput);
        Assert.Contains("8,800", firstOutput);
        Assert.Equal(0, secondExit);
        Assert.Contains("Nothing changed", secondOutput);
        await using var db = DatabaseSetup.CreateSqlite(connection[1]);
        Assert.Equal(8_800, await db.Opportunities.CountAsync());
    }

    [Fact]
    public async Task Import_ListsRejectedRowsAndExitsNonZero_WhenARowIsBroken()
    {
        using var temp = new TempDirectory();
        using var copy = RepoPaths.CopyOf(RepoPaths.Maven);
        var path = copy.File("sales_teams.csv");
        File.WriteAllText(path, File.ReadAllText(path).Replace("Anna Snelling,Dustin Brinkmann,Central", "Anna Snelling,,Central"));

        var (exitCode, output) = await CliRun.RunAsync(["import", "maven", copy.Path, .. CliRun.Connection(temp.Path)]);

        Assert.Equal(1, exitCode);
        Assert.Contains("sales_teams.csv:2: manager is empty", output);
        Assert.Contains("nothing was imported", output);
    }

    [Fact]
    public async Task Import_GivesAClearErrorWithoutStackTrace_WhenAFileIsMalformed()
    {
        using var temp = new TempDirectory();
        using var copy = RepoPaths.CopyOf(RepoPaths.Zoho);
        File.WriteAllText(copy.File("Users.csv"), "USER_ID,First Name,Last Name,Email\n1001,,\"Rozario Diego,rozario@finepick.com\n1002,,x\n");

        var (exitCode, output) = await CliRun.RunAsync(["import", "zoho", copy.Path, .. CliRun.Connection(temp.Path)]);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: Users.csv", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Import_ExitsWithUsage_WhenTheFormatIsUnknown()
    {
        var (exitCode, output) = await CliRun.RunAsync("import", "salesforce", RepoPaths.Maven);

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: crmbot import maven|zoho DIR", output);
    }
}
