using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CrmBot.Web.Hosting;

/// <summary>
/// Turns the mistakes a newcomer makes at start-up into one message that says what to do,
/// instead of a stack trace (port in use, bad connection string, unknown provider, missing tokens).
/// </summary>
public static class StartupErrors
{
    public static string? Explain(Exception e)
    {
        switch (e)
        {
            case OptionsValidationException v:
                return "Configuration is not valid:\n  - " + string.Join("\n  - ", v.Failures) +
                       "\nSet these in appsettings.json, environment variables (Section__Key) or user secrets.";
            case IOException io when io.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                                     || io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                return "The port is already in use by another program. Stop it, or choose another address, e.g.\n" +
                       "  dotnet run --project src/CrmBot.Web -- --urls http://127.0.0.1:5081";
            case InvalidOperationException when e.Message.Contains("Database:Provider", StringComparison.Ordinal)
                                               || e.Message.Contains(nameof(Core.Data.DatabaseProvider), StringComparison.Ordinal):
                return "Database:Provider must be \"Sqlite\" (the embedded default) or \"SqlServer\".";
            case ArgumentException when e.Message.Contains("connection string", StringComparison.OrdinalIgnoreCase)
                                       || e.StackTrace?.Contains("DbConnectionOptions", StringComparison.Ordinal) == true:
                return "Database:ConnectionString is not a valid connection string: " + e.Message +
                       "\nExample for SQLite: \"Data Source=crmbot.db\".";
            case SqliteException s:
                return $"The SQLite database could not be opened ({s.Message}). Check Database:ConnectionString " +
                       "(the folder must exist and be writable).";
            case Microsoft.Data.SqlClient.SqlException s:
                return $"SQL Server could not be reached ({s.Message}). Check Database:ConnectionString, the server name and the firewall.";
            default:
                return e.InnerException is null ? null : Explain(e.InnerException);
        }
    }
}
