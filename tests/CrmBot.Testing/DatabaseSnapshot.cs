using System.Data.Common;
using System.Globalization;
using System.Text;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Testing;

/// <summary>
/// Every row of every table as text, in primary-key order: two snapshots are equal only when no row was
/// added, removed or changed in any column. Used to prove that an import or a failed command changed nothing.
/// </summary>
public static class DatabaseSnapshot
{
    public static string Take(CrmDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        var wasClosed = connection.State == System.Data.ConnectionState.Closed;
        if (wasClosed)
            connection.Open();
        try
        {
            var text = new StringBuilder();
            foreach (var table in Tables(connection))
            {
                text.Append("## ").AppendLine(table);
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                        text.Append(reader.GetName(i)).Append('=').Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
                    text.AppendLine();
                }
            }
            return text.ToString();
        }
        finally
        {
            if (wasClosed)
                connection.Close();
        }
    }

    private static List<string> Tables(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__EFMigrationsHistory' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.GetString(0));
        return names;
    }
}
