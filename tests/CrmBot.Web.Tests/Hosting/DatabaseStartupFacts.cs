using CrmBot.Core.Data;
using CrmBot.Core.Demo;
using CrmBot.Testing;
using CrmBot.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Web.Tests.Hosting;

public sealed class DatabaseStartupFacts
{
    private static WebApplication Host(string directory, bool seed, DateTimeOffset now) =>
        BotHost.Build(
        [
            $"--Database:ConnectionString=Data Source={Path.Combine(directory, "crm.db")};Pooling=False",
            $"--Database:SeedDemoData={seed}",
            "--Database:DemoSeed=11",
        ], b => b.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(now)));

    [Fact]
    public async Task PrepareAsync_SeedsDemoDataOnce_ForTheInjectedToday_WhenTheDatabaseIsEmpty()
    {
        using var temp = new TempDirectory();
        var now = new DateTimeOffset(2019, 5, 10, 9, 0, 0, TimeSpan.Zero);
        await using var app = Host(temp.Path, seed: true, now);

        await DatabaseStartup.PrepareAsync(app.Services, CancellationToken.None);
        string first;
        await using (var db = DatabaseSetup.CreateSqlite($"Data Source={Path.Combine(temp.Path, "crm.db")};Pooling=False"))
        {
            Assert.Equal(20, await db.Users.CountAsync(u => u.Role == UserRole.Rep));
            Assert.True(await db.Users.AnyAsync(u => u.Email == DemoDataGenerator.AdminEmail));
            // Dated from the injected clock (2019), not the machine's.
            Assert.Equal([2018, 2019, 2020], await db.Quotas.Select(q => q.FiscalYear).Distinct().OrderBy(y => y).ToListAsync());
            first = DatabaseSnapshot.Take(db);
        }

        await DatabaseStartup.PrepareAsync(app.Services, CancellationToken.None);

        await using (var db = DatabaseSetup.CreateSqlite($"Data Source={Path.Combine(temp.Path, "crm.db")};Pooling=False"))
            Assert.Equal(first, DatabaseSnapshot.Take(db));
    }

    [Fact]
    public async Task PrepareAsync_OnlyMigrates_WhenSeedingIsOff()
    {
        using var temp = new TempDirectory();
        await using var app = Host(temp.Path, seed: false, DateTimeOffset.UnixEpoch);

        await DatabaseStartup.PrepareAsync(app.Services, CancellationToken.None);

        await using var db = DatabaseSetup.CreateSqlite($"Data Source={Path.Combine(temp.Path, "crm.db")};Pooling=False");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Users.CountAsync());
    }
}
