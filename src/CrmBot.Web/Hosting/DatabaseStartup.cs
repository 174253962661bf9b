using CrmBot.Core.Data;
using CrmBot.Core.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmBot.Web.Hosting;

/// <summary>
/// SQLite is migrated on start-up (embedded default) and, when empty and Database:SeedDemoData is on,
/// filled with demo data for "today" in the host's calendar; SQL Server is migrated by its script, never implicitly.
/// </summary>
public static class DatabaseStartup
{
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        if (options.Provider != DatabaseProvider.Sqlite)
            return;
        await db.Database.MigrateAsync(ct);
        if (options.SeedDemoData && await DemoSeeder.IsEmptyAsync(db, ct))
        {
            var clock = services.GetRequiredService<TimeProvider>();
            var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
            var result = await DemoSeeder.SeedAsync(db, new DemoOptions(options.DemoSeed, today, DemoScale.Demo,
                services.GetRequiredService<IOptions<CrmBot.Core.Reports.CrmOptions>>().Value.FiscalYearStartMonth,
                clock.GetUtcNow().UtcDateTime), ct);
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseStartup))
                .LogInformation("Generated demo data for {Today}: {Rows} rows in {Seconds:F1} s (seed {Seed}; sign in as {Admin})",
                    today, result.Rows, result.Elapsed.TotalSeconds, options.DemoSeed, DemoDataGenerator.AdminEmail);
        }
        await SqliteStatistics.RefreshAsync(db, ct);
    }
}
