using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using CrmBot.Core.Scheduling;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.SqlServer;
using Microsoft.Extensions.Options;

namespace CrmBot.Web.Hosting;

public enum JobStorageKind { InMemory, SqlServer }

/// <summary>Configuration section "Jobs": where Hangfire keeps its jobs, how often they run, who sees the dashboard.</summary>
public sealed class JobsOptions : IValidatableObject
{
    public const string Section = "Jobs";

    /// <summary>InMemory on the embedded default (one instance); SqlServer in production, so that every instance shares one job store.</summary>
    public JobStorageKind Storage { get; set; } = JobStorageKind.InMemory;

    /// <summary>Hangfire's SQL Server database (may be the CRM's); required when Storage is SqlServer.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Start a Hangfire server in this process (off for a web-only instance).</summary>
    public bool RunServer { get; set; } = true;

    [Range(1, 20)] public int WorkerCount { get; set; } = 2;

    public string DashboardPath { get; set; } = "/jobs";

    /// <summary>
    /// Admin key for the dashboard, sent as header <see cref="JobsDashboardAuthorization.KeyHeader"/> (e.g. by a
    /// reverse proxy that authenticates admins). Without it the dashboard opens only from localhost, and only on
    /// the embedded default (InMemory); with SqlServer and no key it is closed. Keep the key in user secrets or
    /// the environment (Jobs__DashboardApiKey), never in appsettings.json.
    /// </summary>
    public string? DashboardApiKey { get; set; }

    // Ticks of the recurring jobs, in UTC cron. Each job decides per user / subscription whether its
    // local time has come, so a tick every 5–15 minutes is the precision of "09:00 local".
    [Required] public string NudgeCron { get; set; } = "*/5 * * * *";
    [Required] public string ScheduledPostCron { get; set; } = "*/5 * * * *";
    [Required] public string EscalationCron { get; set; } = "*/15 * * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Storage == JobStorageKind.SqlServer && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult("Jobs:ConnectionString is required when Jobs:Storage is SqlServer.", [nameof(ConnectionString)]);
        if (!DashboardPath.StartsWith('/'))
            yield return new ValidationResult("Jobs:DashboardPath must start with '/'.", [nameof(DashboardPath)]);
    }
}

/// <summary>Hangfire wiring: storage by configuration, the scheduling services, recurring jobs and the dashboard.</summary>
public static class Jobs
{
    public const string NudgesJobId = "nudges";
    public const string ScheduledPostsJobId = "scheduled-posts";
    public const string EscalationJobId = "escalation";

    public static IServiceCollection AddCrmJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddNudgeOptions(configuration);   // shared with the reports (their stale and neglected defaults)
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<NudgeOptions>>().Value);

        // The scheduling core: jobs take ids, resolve a fresh scope (DbContext) per run, and are safe to run twice.
        services.AddScoped<NudgePlanner>();
        services.AddScoped<DeliveryOutbox>();
        services.AddScoped<NudgeDispatcher>();
        services.AddScoped<ScheduledPostJob>();
        services.AddScoped<EscalationJob>();
        services.AddScoped<SubscriptionService>();
        services.AddScoped<NudgeStatsHandler>();

        var options = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        // Registered before AddHangfire so it is this host's own storage, not the process-wide JobStorage.Current.
        services.AddSingleton<JobStorage>(sp =>
        {
            sp.GetRequiredService<IGlobalConfiguration>();   // installs this host's log provider before the storage logs
            return CreateStorage(options);
        });
        services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>())));
        if (options.RunServer)
            services.AddHangfireServer(o => o.WorkerCount = options.WorkerCount);
        return services;
    }

    private static JobStorage CreateStorage(JobsOptions options) => options.Storage switch
    {
        JobStorageKind.SqlServer => new SqlServerStorage(options.ConnectionString, new SqlServerStorageOptions
        {
            PrepareSchemaIfNecessary = true,
            CommandTimeout = TimeSpan.FromSeconds(30),
            // Jobs are short; a worker that died gives its job back after this long.
            SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
        }),
        _ => new InMemoryStorage(),
    };

    public static WebApplication UseCrmJobs(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<JobsOptions>>().Value;
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        // Cron in UTC on purpose: the jobs convert to each recipient's own zone themselves.
        var utc = new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc };
        recurring.AddOrUpdate<NudgeDispatcher>(NudgesJobId, j => j.RunAsync(CancellationToken.None), options.NudgeCron, utc);
        recurring.AddOrUpdate<ScheduledPostJob>(ScheduledPostsJobId, j => j.RunAsync(CancellationToken.None), options.ScheduledPostCron, utc);
        recurring.AddOrUpdate<EscalationJob>(EscalationJobId, j => j.RunAsync(CancellationToken.None), options.EscalationCron, utc);

        app.UseHangfireDashboard(options.DashboardPath, new DashboardOptions
        {
            Authorization = [new JobsDashboardAuthorization(options)],
            DisplayStorageConnectionString = false,
            DashboardTitle = "CrmBot jobs",
            AppPath = null,
        });
        return app;
    }
}

/// <summary>
/// Who may open the dashboard: a request carrying the configured admin key; otherwise, on the embedded
/// default only, a request from this machine.
/// </summary>
public sealed class JobsDashboardAuthorization(JobsOptions options) : IDashboardAuthorizationFilter
{
    public const string KeyHeader = "X-CrmBot-Admin-Key";

    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (!string.IsNullOrEmpty(options.DashboardApiKey))
        {
            var given = http.Request.Headers[KeyHeader].ToString();
            if (given.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(options.DashboardApiKey)))
                return true;
        }
        return options.Storage == JobStorageKind.InMemory && http.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip);
    }
}

/// <summary>
/// Hangfire's log provider is process-wide (static); this one forwards to a host's logger factory and
/// goes quiet once that host has shut down, instead of throwing ObjectDisposedException into another
/// host of the same process (tests start several).
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    public Hangfire.Logging.ILog GetLogger(string name) => new ForwardingLog(factory, name);

    private sealed class ForwardingLog(ILoggerFactory factory, string name) : Hangfire.Logging.ILog
    {
        private ILogger? _logger;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                Hangfire.Logging.LogLevel.Trace => LogLevel.Trace,
                Hangfire.Logging.LogLevel.Debug => LogLevel.Debug,
                Hangfire.Logging.LogLevel.Info => LogLevel.Information,
                Hangfire.Logging.LogLevel.Warn => LogLevel.Warning,
                Hangfire.Logging.LogLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            try
            {
                var logger = _logger ??= factory.CreateLogger(name);
                if (messageFunc is null || !logger.IsEnabled(level))
                    return logger.IsEnabled(level);
                logger.Log(level, exception, "{Message}", messageFunc());
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
