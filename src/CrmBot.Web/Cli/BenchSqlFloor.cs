using System.Diagnostics;
using CrmBot.Core.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrmBot.Web.Cli;

/// <summary>One SQL command as EF sent it: text and parameter values, to replay on a bare connection.</summary>
public sealed record RecordedCommand(string Text, IReadOnlyList<SqliteParameter> Parameters)
{
    public bool IsRead =>
        Text.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
        || Text.TrimStart().StartsWith("WITH", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Records the commands EF executes while <see cref="Start"/> is on, through EF's DiagnosticListener
/// ("Microsoft.EntityFrameworkCore"): only the bench subscribes, so the host's services stay as they are.
/// </summary>
public sealed class SqlCommandRecorder : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly IDisposable _allListeners;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<RecordedCommand> _commands = [];
    private volatile string? _recordingFor;

    public SqlCommandRecorder() => _allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    /// <summary>Records the commands sent to this database only (the listener sees every EF context in the process).</summary>
    public void Start(string connectionString)
    {
        lock (_commands)
            _commands.Clear();
        _recordingFor = connectionString;
    }

    public IReadOnlyList<RecordedCommand> Stop()
    {
        _recordingFor = null;
        lock (_commands)
            return _commands.ToList();
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
            lock (_subscriptions)
                _subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuted.Name));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        if (_recordingFor is not { } target || e.Value is not CommandExecutedEventData { Command: var command }
            || command.Connection?.ConnectionString != target)
            return;
        // Copied now: EF reuses and disposes its command objects. Not Size: read back it is 0 for a DateTime,
        // and an explicit 0 would truncate the bound text to "" on replay.
        var parameters = command.Parameters.Cast<SqliteParameter>()
            .Select(p => new SqliteParameter(p.ParameterName, p.Value) { SqliteType = p.SqliteType })
            .ToList();
        lock (_commands)
            _commands.Add(new RecordedCommand(command.CommandText, parameters));
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        _allListeners.Dispose();
        lock (_subscriptions)
            _subscriptions.ForEach(s => s.Dispose());
    }
}

/// <summary>
/// The bare SQL floor of a report: its recorded read commands replayed on a raw SqliteConnection, every row read.
/// Two ways: each statement prepared anew, as a client without a statement cache does (the floor), and each prepared
/// once and reused, as the bot's <see cref="SqliteStatementCache"/> does: the least the database itself needs.
/// </summary>
public sealed class BareSqlReplay(SqliteConnection connection, IReadOnlyList<RecordedCommand> commands) : IAsyncDisposable
{
    private List<SqliteCommand>? _prepared;

    /// <summary>A replay on its own connection, run once each way (the page cache and SQLite's statement preparation, as EF had for its own warm-up).</summary>
    public static async Task<BareSqlReplay> OpenAsync(string connectionString, IReadOnlyList<RecordedCommand> commands, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        var replay = new BareSqlReplay(connection, commands);
        try
        {
            await connection.OpenAsync(ct);
            await replay.RunOnceAsync(ct);
            await replay.RunPreparedOnceAsync(ct);
            return replay;
        }
        catch
        {
            await replay.DisposeAsync();
            throw;
        }
    }

    /// <summary>The time of one replay of all the commands, each prepared anew, and the rows it read.</summary>
    public async Task<(double Milliseconds, long Rows)> RunOnceAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        long rows = 0;
        foreach (var recorded in commands)
        {
            await using var command = Command(recorded);
            rows += await ReadAllAsync(command, ct);
        }
        return (watch.Elapsed.TotalMilliseconds, rows);
    }

    /// <summary>The time of one replay of all the commands on statements prepared by the first such replay.</summary>
    public async Task<double> RunPreparedOnceAsync(CancellationToken ct)
    {
        _prepared ??= commands.Select(Command).ToList();
        var watch = Stopwatch.StartNew();
        foreach (var command in _prepared)
            await ReadAllAsync(command, ct);
        return watch.Elapsed.TotalMilliseconds;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _prepared ?? [])
            await command.DisposeAsync();
        await connection.DisposeAsync();
    }

    /// <summary>The commands as a script to study (EXPLAIN QUERY PLAN): each with its parameter values as comments.</summary>
    public static string Script(IEnumerable<RecordedCommand> commands) =>
        string.Join("\n", commands.Select(c =>
            string.Concat(c.Parameters.Select(p => $"-- {p.ParameterName} = {Literal(p.Value)}\n")) + c.Text.TrimEnd() + ";\n"));

    private SqliteCommand Command(RecordedCommand recorded)
    {
        var command = connection.CreateCommand();
        command.CommandText = recorded.Text;
        command.CommandTimeout = 30;
        foreach (var p in recorded.Parameters)
            command.Parameters.Add(new SqliteParameter(p.ParameterName, p.Value) { SqliteType = p.SqliteType });
        return command;
    }

    private static async Task<long> ReadAllAsync(SqliteCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new object[reader.FieldCount];
        long rows = 0;
        while (await reader.ReadAsync(ct))
        {
            reader.GetValues(values);
            rows++;
        }
        return rows;
    }

    // As SQLite stores them (EF Core's formats), so that the file can be replayed as written.
    private static object? Literal(object? value) => value switch
    {
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => value,
    };
}
