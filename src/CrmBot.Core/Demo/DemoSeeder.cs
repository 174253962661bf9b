using System.Diagnostics;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Demo;

/// <summary>What a demo seeding wrote and how fast.</summary>
public sealed record SeedResult(long Rows, TimeSpan Elapsed)
{
    public double RowsPerSecond => Rows / Math.Max(Elapsed.TotalSeconds, 0.001);
}

/// <summary>Writes generated demo data into an empty SQLite CRM database, in one transaction (all or nothing).</summary>
public static class DemoSeeder
{
    /// <summary>True when the database holds no users yet (a fresh embedded database).</summary>
    public static async Task<bool> IsEmptyAsync(CrmDbContext db, CancellationToken ct) => !await db.Users.AnyAsync(ct);

    public static async Task<SeedResult> SeedAsync(CrmDbContext db, DemoOptions options, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
            throw new NotSupportedException("Demo data is generated into SQLite only (the embedded default); import real data into SQL Server.");
        if (!await IsEmptyAsync(db, ct))
            throw new InvalidOperationException("The database already has users; demo data is generated into an empty database only.");

        var clock = Stopwatch.StartNew();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var defer = connection.CreateCommand())
            {
                // Teams and their managers point at each other: foreign keys are checked at commit instead.
                defer.Transaction = transaction;
                defer.CommandText = "PRAGMA defer_foreign_keys = ON";
                await defer.ExecuteNonQueryAsync(ct);
            }
            using var writer = new BulkWriter(db, transaction);
            new DemoDataGenerator(options).Generate(writer);
            // The bulk insert bypassed SaveChanges, so the derived last-touch columns are computed once here.
            await db.Database.UseTransactionAsync(transaction, ct);
            await LastTouch.RecomputeAllAsync(db, ct);
            await db.Database.UseTransactionAsync(null, ct);
            await transaction.CommitAsync(ct);
            await SqliteStatistics.RefreshAsync(db, ct);
            return new SeedResult(writer.RowsWritten, clock.Elapsed);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
