using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Import;

/// <summary>
/// The write side shared by every importer: rows are matched to what an earlier run of the same source
/// imported by (ExternalSource, ExternalId), so a re-run updates in place and never duplicates; EF's
/// change tracker then writes only values that differ, which makes a second identical run a no-op.
/// </summary>
public sealed class ImportSession
{
    private readonly CrmDbContext _db;
    private readonly Dictionary<string, (int Added, int Updated)> _changes = [];
    // Rows this run inserted: a later save that completes them (ids of rows saved after them) is not an "update".
    private readonly HashSet<object> _inserted = new(ReferenceEqualityComparer.Instance);

    public ImportSession(CrmDbContext db, string source)
    {
        _db = db;
        Source = source;
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
    }

    /// <summary>"maven", "zoho": the ExternalSource of every row this import writes.</summary>
    public string Source { get; }

    public CrmDbContext Db => _db;

    public IReadOnlyList<TableChanges> Changes =>
        _changes.Select(c => new TableChanges(c.Key, c.Value.Added, c.Value.Updated)).OrderBy(c => c.Table).ToList();

    /// <summary>The rows of <typeparamref name="T"/> this source imported before, tracked, by ExternalId.</summary>
    public async Task<ImportedRows<T>> LoadAsync<T>(CancellationToken ct, Func<IQueryable<T>, IQueryable<T>>? include = null)
        where T : class, IImported
    {
        var query = _db.Set<T>().Where(x => x.ExternalSource == Source);
        if (include is not null)
            query = include(query);
        var existing = await query.ToListAsync(ct);
        return new ImportedRows<T>(this, existing.Where(x => x.ExternalId is not null).ToDictionary(x => x.ExternalId!, StringComparer.Ordinal));
    }

    /// <summary>Counts what changed (for the report) and saves; ids of new rows are known afterwards.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        _db.ChangeTracker.DetectChanges();
        foreach (var entry in _db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)
                || (entry.State == EntityState.Modified && _inserted.Contains(entry.Entity)))
                continue;
            if (entry.State == EntityState.Added)
                _inserted.Add(entry.Entity);
            var table = entry.Metadata.GetTableName() ?? entry.Metadata.ClrType.Name;
            var (added, updated) = _changes.GetValueOrDefault(table);
            _changes[table] = entry.State == EntityState.Added ? (added + 1, updated) : (added, updated + 1);
        }
        await _db.SaveChangesAsync(ct);
    }

    internal void Add<T>(T row) where T : class => _db.Set<T>().Add(row);

    /// <summary>Runs <paramref name="write"/> in one transaction (retried as a whole where the provider retries).</summary>
    public static Task RunInTransactionAsync(CrmDbContext db, Func<Task> write, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await write();
            await tx.CommitAsync(ct);
        });
}

/// <summary>The rows one source imported into one table, by ExternalId.</summary>
public sealed class ImportedRows<T>(ImportSession session, Dictionary<string, T> byExternalId) where T : class, IImported
{
    public IReadOnlyDictionary<string, T> ByExternalId => byExternalId;

    /// <summary>
    /// The row with this ExternalId, created with <paramref name="create"/> when new; <paramref name="apply"/>
    /// then sets every imported value, on new and existing rows alike.
    /// </summary>
    public T Upsert(string externalId, Func<T> create, Action<T> apply)
    {
        if (!byExternalId.TryGetValue(externalId, out var row))
        {
            row = create();
            row.ExternalSource = session.Source;
            row.ExternalId = externalId;
            session.Add(row);
            byExternalId[externalId] = row;
        }
        apply(row);
        return row;
    }
}
