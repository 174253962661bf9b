using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrmBot.Web.Hosting;

/// <summary>
/// /healthz "database": a write that changes nothing (an UPDATE matching no row), bounded by <see cref="Timeout"/>.
/// Opening a connection proves little: SQLite opens a removed file by re-creating it empty, and in WAL mode
/// reads go through while another connection holds the write lock. A bot that cannot write cannot log calls,
/// snooze or record deliveries, so the probe takes the write lock for a moment. Each probe is a fresh
/// statement, so the check turns green by itself once the database answers again.
/// </summary>
public sealed class DatabaseHealthCheck(CrmDbContext db) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(Timeout);
        // On SQLite the command timeout is also the wait for the lock: a locked file fails the probe within it.
        db.Database.SetCommandTimeout(Timeout);
        try
        {
            await db.Users.Where(u => u.Id < 0).ExecuteUpdateAsync(set => set.SetProperty(u => u.Name, u => u.Name), bounded.Token);
            return HealthCheckResult.Healthy("database reachable");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The health check service logs the exception; the probe only sees "Unhealthy".
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}
