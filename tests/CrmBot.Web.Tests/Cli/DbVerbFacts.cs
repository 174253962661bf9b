namespace CrmBot.Web.Tests.Cli;

public sealed class DbVerbFacts
{
    [Fact]
    public async Task Script_PrintsAnIdempotentSqlServerScript_WhenAskedForTheScript()
    {
        var (exitCode, output) = await CliRun.RunAsync("db", "script");

        Assert.Equal(0, exitCode);
        Assert.Contains("CREATE TABLE [Opportunities]", output);
        // Idempotent: every migration is guarded by a check of the history table.
        Assert.Contains("IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL", output);
        Assert.Matches(@"IF NOT EXISTS \(\s*SELECT \* FROM \[__EFMigrationsHistory\]\s*WHERE \[MigrationId\] = N'\d{14}_Initial'", output);
        Assert.DoesNotContain("error:", output);
    }

    [Fact]
    public async Task Db_ExitsWithUsage_WhenTheSubcommandIsUnknown()
    {
        var (exitCode, output) = await CliRun.RunAsync("db", "drop");

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: crmbot db script", output);
    }
}
