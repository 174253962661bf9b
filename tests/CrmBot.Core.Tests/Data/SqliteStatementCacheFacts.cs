using System.Data.Common;
using System.Text.RegularExpressions;
using CrmBot.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Core.Tests.Data;

/// <summary>
/// Repeated SELECTs run on statements SQLite prepared once (<see cref="SqliteStatementCache"/>), on a database file as
/// in production: the rows must be EF's own, and nothing a read on EF's connection would see may be missed.
/// </summary>
public sealed class SqliteStatementCacheFacts : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("crmbot-statements-").FullName;
    private ServiceProvider _services = null!;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "crm.db")}";

    public async Task InitializeAsync()
    {
        await using (var db = DatabaseSetup.CreateSqlite(ConnectionString))
        {
            await db.Database.EnsureCreatedAsync();
            db.Users.AddRange(Enumerable.Range(1, 5).Select(i => new User { Name = $"Rep {i}", Email = $"rep{i}@example.com" }));
            await db.SaveChangesAsync();
        }
        _services = new ServiceCollection().AddCrmDatabase(new DatabaseOptions { ConnectionString = ConnectionString }).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* SQLite may hold it briefly */ }
    }

    private SqliteStatementCache Cache => _services.GetRequiredService<SqliteStatementCache>();

    private async Task<T> InScopeAsync<T>(Func<CrmDbContext, Task<T>> read)
    {
        await using var scope = _services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<CrmDbContext>());
    }

    private static Task<List<string>> NamesAbove(CrmDbContext db, int id) =>
        db.Users.Where(u => u.Id > id).OrderBy(u => u.Id).Select(u => u.Name).ToListAsync();

    [Fact]
    public async Task ARepeatedRead_RunsOnTheStatementPreparedBefore_WithThisCallsParameters()
    {
        var answers = new List<List<string>>();
        foreach (var id in new[] { 0, 2, 4, 1 })
            answers.Add(await InScopeAsync(db => NamesAbove(db, id)));

        Assert.Equal(["Rep 1", "Rep 2", "Rep 3", "Rep 4", "Rep 5"], answers[0]);
        Assert.Equal(["Rep 3", "Rep 4", "Rep 5"], answers[1]);
        Assert.Equal(["Rep 5"], answers[2]);
        Assert.Equal(["Rep 2", "Rep 3", "Rep 4", "Rep 5"], answers[3]);
        // The first sight runs as before, the second prepares, the third and fourth reuse: one connection did it all.
        Assert.Equal(2, Cache.Reused);
        Assert.Equal(1, Cache.Opened);
    }

    [Fact]
    public async Task AWriteAfterCachedReads_IsNotBlocked_AndTheNextReadSeesIt()
    {
        for (var i = 0; i < 3; i++)
            await InScopeAsync(db => NamesAbove(db, 0));

        // A returned statement holds no read lock: a writer waiting for one would fail after its one-second timeout.
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            db.Database.SetCommandTimeout(TimeSpan.FromSeconds(1));
            db.Users.Add(new User { Name = "Rep 6", Email = "rep6@example.com" });
            await db.SaveChangesAsync();
        }

        var reusedBefore = Cache.Reused;
        Assert.Contains("Rep 6", await InScopeAsync(db => NamesAbove(db, 0)));
        Assert.Equal(reusedBefore + 1, Cache.Reused);   // read through the cache, not around it
    }

    [Fact]
    public async Task AReadInsideATransaction_StaysOnEfsConnection_AndSeesItsOwnWrite()
    {
        for (var i = 0; i < 2; i++)
            await InScopeAsync(db => NamesAbove(db, 0));
        var reusedBefore = Cache.Reused;

        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Users.Add(new User { Name = "Uncommitted", Email = "u@example.com" });
        await db.SaveChangesAsync();

        Assert.Contains("Uncommitted", await NamesAbove(db, 0));
        Assert.Equal(reusedBefore, Cache.Reused);
    }

    [Fact]
    public async Task AReadUsingAFunctionEfRegistersOnItsConnection_RunsThere_EveryTime()
    {
        // Regex.IsMatch becomes SQLite's regexp(), which EF defines on the connections it opens, not on the cache's.
        for (var i = 0; i < 3; i++)
        {
            var names = await InScopeAsync(db => db.Users.Where(u => Regex.IsMatch(u.Name, "[24]$")).OrderBy(u => u.Id).Select(u => u.Name).ToListAsync());
            Assert.Equal(["Rep 2", "Rep 4"], names);
        }
        Assert.Equal(0, Cache.Reused);
    }

    [Fact]
    public async Task ReadsAtOnce_EachGetTheirOwnRows_OnAtMostTheCachesConnections()
    {
        await InScopeAsync(db => NamesAbove(db, 0));   // seen once: the rest go through the cache

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => InScopeAsync(db => NamesAbove(db, i % 5)))));

        for (var i = 0; i < answers.Length; i++)
            Assert.Equal(Enumerable.Range(i % 5 + 1, 5 - i % 5).Select(n => $"Rep {n}"), answers[i]);
        Assert.InRange(Cache.Opened, 1, SqliteStatementCache.MaxConnections);
        Assert.InRange(Cache.Reused, 1, 40);
    }

    [Fact]
    public async Task EveryWayEfReads_HandsTheConnectionBack()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("Rep 1", await InScopeAsync(db => db.Users.OrderBy(u => u.Id).Select(u => u.Name).FirstOrDefaultAsync()));
            Assert.Equal(5, await InScopeAsync(db => Task.FromResult(db.Users.OrderBy(u => u.Id).Select(u => u.Name).ToList().Count)));
            // Materialization fails after the reader was handed over (a NULL read into a non-nullable int).
            await Assert.ThrowsAnyAsync<InvalidOperationException>(() => InScopeAsync(db =>
                db.Users.Select(u => new { Team = (int)(object)u.TeamId! }).ToListAsync()));
            Assert.Equal(0, Cache.Leased);
        }
        Assert.True(Cache.Reused >= 3, $"reused {Cache.Reused}");
        Assert.Equal(1, Cache.Opened);   // one connection, handed back after each read
    }

    [Fact]
    public async Task AFailureBeforeEfWrapsTheReader_HandsTheConnectionBack()
    {
        using var cache = SqliteStatementCache.For(ConnectionString)!;
        var options = new DbContextOptionsBuilder<SqliteCrmDbContext>();
        DatabaseSetup.ConfigureSqlite(options, ConnectionString);
        options.AddInterceptors(cache, new FailingAfterExecution());

        for (var i = 0; i < 3; i++)
        {
            await using var db = new SqliteCrmDbContext(options.Options);
            await Assert.ThrowsAsync<InvalidOperationException>(() => NamesAbove(db, 0));
            Assert.Equal(0, cache.Leased);
        }
        Assert.Equal(1, cache.Opened);
    }

    /// <summary>Another interceptor failing once the reader exists: EF then never makes the reader its own, nor disposes it.</summary>
    private sealed class FailingAfterExecution : DbCommandInterceptor
    {
        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default) => throw new InvalidOperationException("interceptor failed");
    }

    [Fact]
    public async Task AReadInsideATransactionBegunAsSql_StaysOnEfsConnection_AndSeesItsOwnWrite()
    {
        for (var i = 0; i < 2; i++)
            await InScopeAsync(db => NamesAbove(db, 0));

        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("BEGIN");   // EF does not know of it: the command carries no transaction
        await db.Database.ExecuteSqlRawAsync("UPDATE Users SET Name = 'Renamed' WHERE Id = 1");

        Assert.Equal("Renamed", (await NamesAbove(db, 0))[0]);
        await db.Database.ExecuteSqlRawAsync("ROLLBACK");
    }

    [Fact]
    public async Task NewStatistics_AreUsedByTheNextRead_OnStatementsPreparedAgain()
    {
        for (var i = 0; i < 3; i++)
            await InScopeAsync(db => NamesAbove(db, 0));
        var reusedBefore = Cache.Reused;

        await using (var scope = _services.CreateAsyncScope())
            await SqliteStatistics.RefreshAsync(scope.ServiceProvider.GetRequiredService<CrmDbContext>(), CancellationToken.None);
        await InScopeAsync(db => NamesAbove(db, 0));

        Assert.Equal(reusedBefore, Cache.Reused);   // prepared again, on a new connection
        await InScopeAsync(db => NamesAbove(db, 0));
        Assert.Equal(reusedBefore + 1, Cache.Reused);
    }

    [Fact]
    public async Task ADatabaseWithARollbackJournal_IsReadAsBefore()
    {
        // There a context reading and writing at once would wait on the cache's read lock.
        await using (var db = DatabaseSetup.CreateSqlite(ConnectionString))
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = DELETE");

        for (var i = 0; i < 3; i++)
            Assert.Equal(5, (await InScopeAsync(db => NamesAbove(db, 0))).Count);

        Assert.Equal(0, Cache.Reused);
        Assert.Equal(0, Cache.Opened);
    }

    [Theory]
    [InlineData("Data Source=:memory:", false)]
    [InlineData("Data Source=crm;Mode=Memory;Cache=Shared", false)]   // a memory database keeps no WAL
    [InlineData("Data Source=crm.db", true)]
    public void ACache_IsMadeForADatabaseFile(string connectionString, bool cached) =>
        Assert.Equal(cached, SqliteStatementCache.For(connectionString) is not null);
}
