using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Core.Tests.Data;

/// <summary>
/// Contexts come from a pool (AddCrmDatabase): whatever one request changed on its context must not reach the
/// next request that gets the same instance.
/// </summary>
public sealed class PooledContextFacts
{
    [Fact]
    public async Task APooledContext_ComesBackClean_ForTheNextScope()
    {
        using var database = new TestDatabase();
        var options = new DatabaseOptions { ConnectionString = database.ConnectionString, CommandTimeout = TimeSpan.FromSeconds(45) };
        await using var services = new ServiceCollection().AddCrmDatabase(options).BuildServiceProvider();

        CrmDbContext first;
        await using (var scope = services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            // What the health check does (a short timeout), and what an import does (tracking), on its own context.
            first.Database.SetCommandTimeout(TimeSpan.FromSeconds(2));
            first.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
            await first.Users.ToListAsync();
            await first.Database.OpenConnectionAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var second = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            Assert.Same(first, second);   // the same instance, so the facts below are about the pool's reset
            Assert.Equal(45, second.Database.GetCommandTimeout());
            Assert.Equal(QueryTrackingBehavior.NoTracking, second.ChangeTracker.QueryTrackingBehavior);
            Assert.Equal(System.Data.ConnectionState.Closed, second.Database.GetDbConnection().State);
        }
    }
}
