using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Cli;

/// <summary>What the command-line verbs share: the same configuration and services as the host, and who is asking.</summary>
public static class CliServices
{
    /// <summary>appsettings.json beside the binary, then environment variables (Database__ConnectionString…), as the host reads them.</summary>
    public static IConfiguration Configuration() =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();

    public static ServiceProvider Build(IConfiguration configuration, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddCrmDatabase(configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions());
        services.AddCrmReports(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    /// <summary>The CRM user named by e-mail or full name (case-insensitive), as an asker; null when no one matches.</summary>
    public static async Task<Asker?> FindAskerAsync(CrmDbContext db, string who, CancellationToken ct)
    {
        var key = who.Trim().ToLower();
        var user = await db.Users.Where(u => u.Email.ToLower() == key || u.Name.ToLower() == key).OrderBy(u => u.Id).FirstOrDefaultAsync(ct);
        if (user is null)
            return null;
        var managed = await db.Teams.Where(t => t.ManagerId == user.Id).Select(t => t.Id).ToListAsync(ct);
        return new Asker(user.Id, user.Name, user.Email, user.Role, user.TeamId, managed, user.TimeZone, user.Language, user.StaleThresholdDays);
    }

    /// <summary>"As of" a date: the last second of that day in the asker's zone, so the whole day counts.</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, string timeZone)
    {
        var zone = Core.Time.PeriodResolver.FindZone(timeZone);
        var local = day.ToDateTime(new TimeOnly(23, 59, 59));
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    /// <summary>Reads "--name value" options and bare words; flags listed in <paramref name="flags"/> take no value.</summary>
    public static (Dictionary<string, string> Options, List<string> Words) Parse(string[] args, params string[] flags)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                words.Add(args[i]);
            else if (flags.Contains(args[i][2..], StringComparer.OrdinalIgnoreCase) || i + 1 >= args.Length)
                options[args[i][2..]] = "true";
            else
                options[args[i][2..]] = args[++i];
        }
        return (options, words);
    }
}

/// <summary>A clock that always reads the same instant: `--as-of` runs.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
