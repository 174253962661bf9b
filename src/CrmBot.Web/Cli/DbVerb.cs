using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CrmBot.Web.Cli;

/// <summary>`crmbot db script`: the SQL Server migration script, idempotent (safe to run on a database at any migration).</summary>
public static class DbVerb
{
    public const string Usage = "script   print the SQL Server migration script (idempotent) to stdout";

    public static Task<int> RunAsync(string[] argv)
    {
        var args = new CliArgs(argv);
        if (args.Positional is not ["script"])
        {
            CliConsole.Error("usage: crmbot db script");
            return Task.FromResult(2);
        }
        using var db = DatabaseSetup.CreateSqlServerForScripting();
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        CliConsole.WriteRaw(script);
        return Task.FromResult(0);
    }
}
