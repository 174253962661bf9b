using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CrmBot.Core.Data;

/// <summary>
/// SQLite's query planner guesses without table statistics, and at a million activities a wrong guess costs seconds:
/// it would walk the (Status, CompletedAt) index over every activity to save a sort instead of seeking one account's
/// deals. ANALYZE with a small analysis_limit samples each index in milliseconds (about 0.3 s on the large data set);
/// it runs at startup and after bulk writes.
/// </summary>
public static class SqliteStatistics
{
    public static async Task RefreshAsync(CrmDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
            return;
        await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit = 1000; ANALYZE;", ct);
        // Statements prepared on other connections keep their old plans: the cache's are made again.
        var interceptors = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];
        foreach (var statements in interceptors.OfType<SqliteStatementCache>())
            statements.DropStatements();
    }
}
