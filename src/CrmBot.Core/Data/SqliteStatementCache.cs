using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrmBot.Core.Data;

/// <summary>
/// Runs EF's repeated SELECTs on statements SQLite prepared once. Microsoft.Data.Sqlite keeps a prepared statement
/// only as long as its command object (dotnet/efcore#14044), and EF makes a new command for every query, so SQLite
/// parses and plans every statement every time: for a small report, most of its database time (the action plan's
/// seven statements take 0.97 ms prepared each time, 0.11 ms prepared once).
/// <para>
/// A SELECT seen before, outside a transaction, runs instead on a connection of this cache (read-only, same
/// database) through a command kept per SQL text; EF gets that command's reader and disposes it as its own, which
/// hands the connection back. Reads inside a transaction stay on EF's connection, which may hold uncommitted writes.
/// A statement SQLite cannot prepare here (a function EF registers on its own connections) runs as before.
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
    private readonly ConcurrentDictionary<DbDataReader, CachingConnection> _leased = new(ReferenceEqualityComparer.Instance);
    private int _opened;
    private long _reused;
    private volatile bool _disposed;

    private SqliteStatementCache(string connectionString) => _connectionString = connectionString;

    /// <summary>
    /// A cache for the database of <paramref name="connectionString"/>, or null for a private in-memory database
    /// (a second connection would open a different, empty one). A shared-cache in-memory database (the tests') is
    /// one database for every connection.
    /// </summary>
    public static SqliteStatementCache? For(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is "" or ":memory:")
            return null;
        if (builder.Mode == SqliteOpenMode.Memory)
            return builder.Cache == SqliteCacheMode.Shared ? new SqliteStatementCache(connectionString) : null;
        builder.Mode = SqliteOpenMode.ReadOnly;   // the cache only reads; a write through it fails rather than happens
        return new SqliteStatementCache(builder.ConnectionString);
    }

    /// <summary>How many reads ran on a statement prepared by an earlier one (for facts and the benchmark).</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>Connections opened so far (each stays open until the cache is disposed).</summary>
    public int Opened => Volatile.Read(ref _opened);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        result.HasResult || TryExecute(command) is not { } reader ? result : InterceptionResult<DbDataReader>.SuppressWithResult(reader);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ReaderExecuting(command, eventData, result));   // SQLite runs synchronously either way
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (_leased.TryRemove(eventData.DataReader, out var connection))
        {
            // EF disposes it too, but only after this returns, and the next read on the connection may need this same
            // command, which refuses to run while its reader is open. Disposing resets the statement and its read lock.
            eventData.DataReader.Dispose();
            connection.Return();
            Return(connection);
        }
        return result;
    }

    private SqliteDataReader? TryExecute(DbCommand command)
    {
        if (_disposed || command is not SqliteCommand { Transaction: null } sqlite
            || !sqlite.CommandText.StartsWith("SELECT", StringComparison.Ordinal) || _unpreparable.ContainsKey(sqlite.CommandText))
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
        try
        {
            if (connection.Command(sqlite.CommandText, _unpreparable) is not (var cached, var preparedBefore))
            {
                Return(connection);
                return null;
            }
            var reader = connection.Execute(cached, sqlite);
            _leased[reader] = connection;
            if (preparedBefore)
                Interlocked.Increment(ref _reused);
            return reader;
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
        if (_idle.TryTake(out var idle))
            return idle;
        if (Interlocked.Increment(ref _opened) > MaxConnections)
        {
            Interlocked.Decrement(ref _opened);
            return null;
        }
        try
        {
            return new CachingConnection(_connectionString);
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
        if (_disposed)
            connection.Dispose();
        else
            _idle.Add(connection);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
            connection.Dispose();
    }

    /// <summary>One open read-only connection and its commands by SQL text; used by one query at a time.</summary>
    private sealed class CachingConnection : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
        private SqliteCommand? _running;

        public CachingConnection(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
        }

        /// <summary>The prepared command for the text, or null when it cannot be kept (full, or SQLite refuses it here).</summary>
        public (SqliteCommand Command, bool PreparedBefore)? Command(string text, ConcurrentDictionary<string, byte> unpreparable)
        {
            if (_commands.TryGetValue(text, out var command))
                return (command, true);
            if (_commands.Count >= MaxStatementsPerConnection)
                return null;
            command = _connection.CreateCommand();
            command.CommandText = text;
            try
            {
                command.Prepare();
            }
            catch (SqliteException)
            {
                // E.g. "no such function": EF registers its functions on the connections it opens, not on these.
                command.Dispose();
                unpreparable.TryAdd(text, 0);
                return null;
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
