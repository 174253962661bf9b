using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CrmBot.Core.Tests.Data;

public sealed class MigrationFacts
{
    [Fact]
    public void SqliteMigrations_MatchTheModel()
    {
        using var db = DatabaseSetup.CreateSqlite("Data Source=:memory:");
        Assert.False(db.Database.HasPendingModelChanges(), "Model changed: add a SQLite migration (see README, Database).");
    }

    [Fact]
    public void SqlServerMigrations_MatchTheModel()
    {
        using var db = DatabaseSetup.CreateSqlServerForScripting();
        Assert.False(db.Database.HasPendingModelChanges(), "Model changed: add a SQL Server migration (see README, Database).");
    }

    [Fact]
    public void SqliteMigrations_CreateAWorkingDatabase()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crmbot-migrate-{Guid.NewGuid():N}.db");
        try
        {
            using (var db = DatabaseSetup.CreateSqlite($"Data Source={path};Pooling=False"))
            {
                db.Database.Migrate();
                Assert.Empty(db.Database.GetPendingMigrations());
                db.Teams.Add(new Team { Name = "North" });
                db.SaveChanges();
                Assert.Equal(1, db.Teams.Count());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SqlServerScript_IsGeneratedWithoutAServer()
    {
        using var db = DatabaseSetup.CreateSqlServerForScripting();
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        Assert.Contains("CREATE TABLE [Opportunities]", script);
        Assert.Contains("[AmountCents] bigint NULL", script);
    }
}
