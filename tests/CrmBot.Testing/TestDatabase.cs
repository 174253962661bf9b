using System.Collections.Concurrent;
using CrmBot.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CrmBot.Testing;

/// <summary>
/// A real SQLite database of its own for one test: a shared-cache in-memory database kept alive by
/// one open connection for the test's lifetime. Each <see cref="NewContext"/> is a fresh context on it.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private readonly SqliteConnection _keepAlive;

    public TestDatabase() : this(create: true)
    {
    }

    private TestDatabase(bool create)
    {
        ConnectionString = $"Data Source=test-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        _keepAlive = new SqliteConnection(ConnectionString);
        _keepAlive.Open();
        if (!create)
            return;
        using var db = NewContext();
        db.Database.EnsureCreated();
    }

    /// <summary>A new database with this one's schema and rows (SQLite backup): arrange a world once, give each case its own copy.</summary>
    public TestDatabase Copy()
    {
        var copy = new TestDatabase(create: false);
        _keepAlive.BackupDatabase(copy._keepAlive);
        return copy;
    }

    public string ConnectionString { get; }

    public CrmDbContext NewContext() => DatabaseSetup.CreateSqlite(ConnectionString);

    /// <summary>A context whose EF errors (failed commands and saves) land in <paramref name="errors"/>: for code that must not cause any.</summary>
    public CrmDbContext NewContextCollectingErrors(ConcurrentQueue<string> errors)
    {
        var options = new DbContextOptionsBuilder<SqliteCrmDbContext>();
        DatabaseSetup.ConfigureSqlite(options, ConnectionString);
        options.LogTo(errors.Enqueue, LogLevel.Error);
        return new SqliteCrmDbContext(options.Options);
    }

    /// <summary>A context that tracks changes, for arranging data.</summary>
    public CrmDbContext NewTrackingContext()
    {
        var db = NewContext();
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
        return db;
    }

    public void Dispose() => _keepAlive.Dispose();
}
