using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace CrmBot.Core.Data;

/// <summary>
/// Runs EF's repeated SELECTs on statements SQLite prepared once. Microsoft.Data.Sqlite keeps a prepared statement
/// only as long as its command object (dotnet/efcore#14044), and EF makes a new command for every query, so SQLite
/// parses and plans every statement every time: for a small report, most of its database time (the action plan's
/// seven statements take 0.97 ms prepared each time, 0.11 ms prepared once).
/// <para>
/// A SELECT seen before, outside any transaction, runs instead on a connection of this cache (read-only, same
/// database) through a command kept per SQL text; EF gets that command's reader and disposes it as its own, which
/// hands the connection back. Only on a WAL database, where a reader never blocks a writer: with a rollback journal a
/// context writing while it reads would wait on the cache's read lock. Reads inside a transaction stay on EF's
/// connection, which may hold uncommitted writes; so does a statement SQLite cannot prepare here (a function EF
/// registers on its own connections).
/// </para>
/// </summary>
public sealed class SqliteStatementCache : DbCommandInterceptor, IDisposable
{
    /// <summary>Connections the cache opens at most; a read finding all of them busy runs on EF's connection.</summary>
    public const int MaxConnections = 8;

    /// <summary>Statements kept per connection; texts beyond it (queries with inlined values) run as before.</summary>
    public const int MaxStatementsPerConnection = 256;

    private const int MaxTextsSeen = 4096;

    private readonly string _connectionString;
    private readonly ConcurrentBag<CachingConnection> _idle = [];
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unpreparable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<DbCommand, Lease> _leased = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _disposing = new();
    private string? _databaseFile;   // as SQLite names it, to divert only commands on the same database
    private int _opened;
    private int _generation;
    private long _reused;
    private volatile bool _off;

    private SqliteStatementCache(string connectionString) => _connectionString = connectionString;

    private sealed record Lease(CachingConnection Connection, SqliteDataReader Reader);

    /// <summary>A cache for the database file of <paramref name="connectionString"/>; null for an in-memory database.</summary>
    public static SqliteStatementCache? For(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is "" or ":memory:" || builder.Mode == SqliteOpenMode.Memory)
            return null;
        builder.Mode = SqliteOpenMode.ReadOnly;   // the cache only reads; a write through it fails rather than happens
        return new SqliteStatementCache(builder.ConnectionString);
    }

    /// <summary>How many reads ran on a statement prepared by an earlier one (for facts and the benchmark).</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>Connections open now (rented or idle).</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>Readers EF has not disposed yet: each holds one of the connections.</summary>
    public int Leased => _leased.Count;

    /// <summary>
    /// Drops the prepared statements: after ANALYZE (<see cref="SqliteStatistics"/>), whose new statistics SQLite
    /// applies to statements prepared afterwards, and on other connections only at a schema change.
    /// </summary>
    public void DropStatements()
    {
        Interlocked.Increment(ref _generation);
        while (_idle.TryTake(out var connection))
            Close(connection);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        result.HasResult || TryExecute(command) is not { } reader ? result : InterceptionResult<DbDataReader>.SuppressWithResult(reader);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ReaderExecuting(command, eventData, result));   // SQLite runs synchronously either way
    }

    // Leases are keyed by EF's command, which every later event names, even when EF wraps the reader.
    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        Release(command);
        return result;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Release(command);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(command);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Release(command);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(command);
        return Task.CompletedTask;
    }

    private void Release(DbCommand command)
    {
        if (!_leased.TryRemove(command, out var lease))
            return;
        // EF disposes its reader too, but only after this returns, and the next read on the connection may need this
        // same command, which refuses to run while its reader is open. Disposing resets the statement and its snapshot.
        lease.Reader.Dispose();
        lease.Connection.Return();
        Return(lease.Connection);
    }

    private SqliteDataReader? TryExecute(DbCommand command)
    {
        if (_off || command is not SqliteCommand { Transaction: null, Connection: { } efConnection } sqlite
            || !sqlite.CommandText.StartsWith("SELECT", StringComparison.Ordinal) || _unpreparable.ContainsKey(sqlite.CommandText)
            || raw.sqlite3_get_autocommit(efConnection.Handle) == 0)   // a transaction EF was not told about (BEGIN as SQL)
            return null;
        if (_seen.TryAdd(sqlite.CommandText, 0))
        {
            // First sight: run as before. A text seen once may carry inlined values and never come back.
            if (_seen.Count > MaxTextsSeen)
                _seen.Clear();
            return null;
        }
        if (Rent() is not { } connection)
            return null;
        if (!string.Equals(efConnection.DataSource, _databaseFile, StringComparison.Ordinal))
        {
            Return(connection);   // a context pointed at another database (SetConnectionString)
            return null;
        }
        try
        {
            if (connection.Command(sqlite.CommandText, sqlite.CommandTimeout, _unpreparable) is not (var cached, var preparedBefore))
            {
                Return(connection);
                return null;
            }
            var reader = connection.Execute(cached, sqlite);
            _leased[command] = new Lease(connection, reader);
            if (preparedBefore)
                Interlocked.Increment(ref _reused);
            return reader;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is raw.SQLITE_READONLY or raw.SQLITE_CANTOPEN or raw.SQLITE_IOERR or raw.SQLITE_CORRUPT)
        {
            // Something about this connection (a read-only open that cannot recover a WAL index, say): drop it, and
            // let EF's connection run the read and report what is really wrong, if anything.
            connection.Return();
            Close(connection);
            return null;
        }
        catch
        {
            connection.Return();
            Return(connection);
            throw;
        }
    }

    private CachingConnection? Rent()
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.Generation == Volatile.Read(ref _generation))
                return idle;
            Close(idle);
        }
        if (Interlocked.Increment(ref _opened) > MaxConnections)
        {
            Interlocked.Decrement(ref _opened);
            return null;
        }
        try
        {
            var connection = new CachingConnection(_connectionString, Volatile.Read(ref _generation));
            if (!connection.IsWal)
            {
                _off = true;   // decided once: the journal mode is the database's, not the connection's
                Close(connection);
                return null;
            }
            _databaseFile ??= connection.DatabaseFile;
            return connection;
        }
        catch (SqliteException)
        {
            // A file not there yet opens read-write on EF's side only: the read runs there, and says what is wrong.
            Interlocked.Decrement(ref _opened);
            return null;
        }
    }

    private void Return(CachingConnection connection)
    {
        lock (_disposing)
        {
            if (_off || connection.Generation != Volatile.Read(ref _generation))
                Close(connection);
            else
                _idle.Add(connection);
        }
    }

    private void Close(CachingConnection connection)
    {
        connection.Dispose();
        Interlocked.Decrement(ref _opened);
    }

    public void Dispose()
    {
        lock (_disposing)
        {
            _off = true;
            while (_idle.TryTake(out var connection))
                Close(connection);
        }
    }

    /// <summary>One open read-only connection and its commands by SQL text; used by one query at a time.</summary>
    private sealed class CachingConnection : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
        private SqliteCommand? _running;

        public CachingConnection(string connectionString, int generation)
        {
            Generation = generation;
            _connection = new SqliteConnection(connectionString);
            try
            {
                _connection.Open();
                using var journal = _connection.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode";
                IsWal = string.Equals(journal.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
            }
            catch
            {
                _connection.Dispose();
                throw;
            }
        }

        public int Generation { get; }

        public bool IsWal { get; }

        public string DatabaseFile => _connection.DataSource;

        /// <summary>The prepared command for the text, or null when it cannot be kept (full, or SQLite refuses it here).</summary>
        public (SqliteCommand Command, bool PreparedBefore)? Command(string text, int timeoutSeconds, ConcurrentDictionary<string, byte> unpreparable)
        {
            if (_commands.TryGetValue(text, out var command))
                return (command, true);
            if (_commands.Count >= MaxStatementsPerConnection)
                return null;
            command = _connection.CreateCommand();
            command.CommandText = text;
            command.CommandTimeout = timeoutSeconds;   // preparing may wait for a lock too
            try
            {
                command.Prepare();
            }
            catch (SqliteException e) when (e.SqliteErrorCode == raw.SQLITE_ERROR)
            {
                // E.g. "no such function": EF registers its functions on the connections it opens, not on these.
                command.Dispose();
                unpreparable.TryAdd(text, 0);
                return null;
            }
            catch
            {
                command.Dispose();
                throw;
            }
            _commands[text] = command;
            return (command, false);
        }

        public SqliteDataReader Execute(SqliteCommand cached, SqliteCommand original)
        {
            // EF's parameter objects as they are: copying them would need Size, which reads back as 0 for a DateTime
            // and, set to 0, binds it as "". Bound when the reader starts; cleared when it is returned.
            cached.Parameters.Clear();
            foreach (SqliteParameter parameter in original.Parameters)
                cached.Parameters.Add(parameter);
            cached.CommandTimeout = original.CommandTimeout;
            _running = cached;
            return cached.ExecuteReader();
        }

        /// <summary>Drops the parameters of the last read (EF's objects, with their values).</summary>
        public void Return()
        {
            _running?.Parameters.Clear();
            _running = null;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
                command.Dispose();
            _connection.Dispose();
        }
    }
}
