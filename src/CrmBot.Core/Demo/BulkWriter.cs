using System.Data.Common;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrmBot.Core.Demo;

/// <summary>Receives generated rows in an order that satisfies every foreign key.</summary>
public interface IRowSink
{
    void Add<T>(T row) where T : class;
}

/// <summary>
/// Inserts rows with one prepared INSERT per table, bypassing the change tracker: a million rows take
/// seconds instead of minutes. Columns, names and value conversions come from the EF model, so the rows
/// read back through EF exactly as if EF had written them. Rows carry their own ids (the database must
/// be empty of them); everything runs in the caller's transaction.
/// </summary>
public sealed class BulkWriter(CrmDbContext db, DbTransaction transaction) : IRowSink, IDisposable
{
    private readonly Dictionary<Type, TableInsert> _inserts = [];

    public long RowsWritten { get; private set; }

    public void Add<T>(T row) where T : class
    {
        if (!_inserts.TryGetValue(typeof(T), out var insert))
            _inserts[typeof(T)] = insert = new TableInsert(db, transaction, db.Model.FindEntityType(typeof(T))
                ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the CRM model."));
        insert.Execute(row);
        RowsWritten++;
    }

    public void Dispose()
    {
        foreach (var insert in _inserts.Values)
            insert.Dispose();
    }

    private sealed class TableInsert : IDisposable
    {
        private readonly DbCommand _command;
        private readonly (IProperty Property, DbParameter Parameter, ValueConverter? Converter)[] _columns;

        public TableInsert(CrmDbContext db, DbTransaction transaction, IEntityType entity)
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var properties = entity.GetProperties().ToList();
            _command = db.Database.GetDbConnection().CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText =
                $"INSERT INTO {sql.DelimitIdentifier(table)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(store)!)))}) " +
                $"VALUES ({string.Join(", ", properties.Select((_, i) => $"@p{i}"))})";
            _columns = properties.Select((p, i) =>
            {
                var mapping = (RelationalTypeMapping)p.GetRelationalTypeMapping();
                var parameter = mapping.CreateParameter(_command, $"@p{i}", null, p.IsNullable);
                _command.Parameters.Add(parameter);
                return (p, parameter, mapping.Converter);
            }).ToArray();
            _command.Prepare();
        }

        public void Execute(object row)
        {
            foreach (var (property, parameter, converter) in _columns)
            {
                var value = property.GetGetter().GetClrValue(row);
                if (value is not null && converter is not null)
                    value = converter.ConvertToProvider(value);
                parameter.Value = value ?? DBNull.Value;
            }
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}
