using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Cli;

/// <summary>
/// The CRM database a verb works on: the "Database" section of appsettings.json and environment variables
/// (Database__ConnectionString, Database__Provider), as the host reads it; "--connection" overrides the
/// connection string. SQLite is migrated first, as on start-up.
/// </summary>
public static class CliDatabase
{
    public const string ConnectionOption = "connection";

    public static DatabaseOptions Options(CliArgs args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (args.Option(ConnectionOption) is { } connection)
            options.ConnectionString = connection;
        return options;
    }

    public static async Task<CrmDbContext> OpenAsync(CliArgs args, CancellationToken ct)
    {
        var options = Options(args);
        CrmDbContext db;
        if (options.Provider == DatabaseProvider.SqlServer)
        {
            var builder = new DbContextOptionsBuilder<SqlServerCrmDbContext>();
            DatabaseSetup.ConfigureSqlServer(builder, options.ConnectionString);
            db = new SqlServerCrmDbContext(builder.Options);
        }
        else
        {
            db = DatabaseSetup.CreateSqlite(options.ConnectionString);
            await db.Database.MigrateAsync(ct);
        }
        return db;
    }
}
