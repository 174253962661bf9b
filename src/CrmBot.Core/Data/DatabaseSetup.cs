using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Core.Data;

public enum DatabaseProvider { Sqlite, SqlServer }

/// <summary>Configuration section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Sqlite (embedded default) or SqlServer (production). Explicit: never guessed from the connection string.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    [Required]
    public string ConnectionString { get; set; } = "Data Source=crmbot.db";

    /// <summary>Generate demo data when the database is empty (embedded default).</summary>
    public bool SeedDemoData { get; set; } = true;

    /// <summary>Seed of the demo data generator; the same seed and date give the same data.</summary>
    public int DemoSeed { get; set; } = 20171231;

    /// <summary>
    /// Bound of each database command. On SQLite it is also how long a command waits for a lock held by another
    /// connection before it fails (the chat then answers "try again in a moment").
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class DatabaseSetup
{
    /// <summary>
    /// Registers <see cref="CrmDbContext"/> for the configured provider (its derived context carries the migrations).
    /// Pooled: every chat turn uses a context, and setting up a new one cost a small report more than its SQL.
    /// </summary>
    public static IServiceCollection AddCrmDatabase(this IServiceCollection services, DatabaseOptions options)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var statements = SqliteStatementCache.For(options.ConnectionString);
                if (statements is not null)   // from a factory, so disposed with the container: its connections close with the host
                    services.AddSingleton(_ => statements);
                services.AddDbContextPool<CrmDbContext, SqliteCrmDbContext>((sp, o) =>
                {
                    ConfigureSqlite(o, options.ConnectionString, options.CommandTimeout);
                    if (statements is not null)
                        o.AddInterceptors(sp.GetRequiredService<SqliteStatementCache>());
                });
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<CrmDbContext, SqlServerCrmDbContext>(o => ConfigureSqlServer(o, options.ConnectionString, options.CommandTimeout));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Database:Provider must be Sqlite or SqlServer.");
        }
        return services;
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder o, string connectionString, TimeSpan? commandTimeout = null) =>
        o.UseSqlite(connectionString, s => s.CommandTimeout(Seconds(commandTimeout)))
         .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);

    public static void ConfigureSqlServer(DbContextOptionsBuilder o, string connectionString, TimeSpan? commandTimeout = null) =>
        o.UseSqlServer(connectionString, s => s.CommandTimeout(Seconds(commandTimeout)).EnableRetryOnFailure(3))
         .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);

    private static int Seconds(TimeSpan? timeout) => (int)Math.Ceiling((timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds);

    /// <summary>A context on a given SQLite connection string, outside DI (tests, CLI tools).</summary>
    public static CrmDbContext CreateSqlite(string connectionString)
    {
        var b = new DbContextOptionsBuilder<SqliteCrmDbContext>();
        ConfigureSqlite(b, connectionString);
        return new SqliteCrmDbContext(b.Options);
    }

    /// <summary>A SQL Server context that never connects: for scripting migrations and ToQueryString().</summary>
    public static CrmDbContext CreateSqlServerForScripting()
    {
        var b = new DbContextOptionsBuilder<SqlServerCrmDbContext>();
        ConfigureSqlServer(b, "Server=unused;Database=crmbot;Trusted_Connection=True;TrustServerCertificate=True");
        return new SqlServerCrmDbContext(b.Options);
    }
}

// Design-time factories: `dotnet ef migrations add X --context SqliteCrmDbContext -o Data/Migrations/Sqlite`.
internal sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteCrmDbContext>
{
    public SqliteCrmDbContext CreateDbContext(string[] args) => (SqliteCrmDbContext)DatabaseSetup.CreateSqlite("Data Source=design.db");
}

internal sealed class SqlServerDesignFactory : IDesignTimeDbContextFactory<SqlServerCrmDbContext>
{
    public SqlServerCrmDbContext CreateDbContext(string[] args) => (SqlServerCrmDbContext)DatabaseSetup.CreateSqlServerForScripting();
}
