using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Tests.Cli;

public sealed class GenerateVerbFacts
{
    [Fact]
    public async Task Generate_WritesTheRequestedScale_AndRefusesANonEmptyDatabase()
    {
        using var temp = new TempDirectory();
        var connection = CliRun.Connection(temp.Path);

        var (exitCode, output) = await CliRun.RunAsync(["generate", "--seed", "3", "--date", "2026-01-15", "--scale", "2", .. connection]);
        var (againExit, againOutput) = await CliRun.RunAsync(["generate", .. connection]);

        Assert.Equal(0, exitCode);
        Assert.Contains("rows/s", output);
        await using (var db = DatabaseSetup.CreateSqlite(connection[1]))
        {
            Assert.Equal(2, await db.Users.CountAsync(u => u.Role == UserRole.Rep));
            Assert.Equal(2 * 1_000, await db.Activities.CountAsync());
            // "Today" was 2026-01-15: quotas cover fiscal 2025 to 2027, and nothing closed after that day.
            Assert.Equal([2025, 2026, 2027], await db.Quotas.Select(q => q.FiscalYear).Distinct().OrderBy(y => y).ToListAsync());
            Assert.False(await db.Opportunities.AnyAsync(o => o.ClosedAt >= new DateTime(2026, 1, 16, 12, 0, 0)));
        }
        Assert.Equal(1, againExit);
        Assert.Contains("already has users", againOutput);
    }

    [Fact]
    public async Task Generate_ExitsWithUsage_WhenTheScaleIsNotUnderstood()
    {
        var (exitCode, output) = await CliRun.RunAsync("generate", "--scale", "huge");

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: crmbot generate", output);
    }
}
