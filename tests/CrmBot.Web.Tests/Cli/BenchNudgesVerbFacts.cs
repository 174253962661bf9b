using CrmBot.Core.Data;
using CrmBot.Web.Cli;
using Microsoft.Data.Sqlite;

namespace CrmBot.Web.Tests.Cli;

public sealed class BenchNudgesVerbFacts : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"crmbot-bench-{Guid.NewGuid():N}.db");
    private static readonly DateTime AsOf = new(2026, 2, 10, 12, 0, 0, DateTimeKind.Utc);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private string ConnectionString => $"Data Source={_path}";

    private void CreateCrm(int reps, int staleDealsEach)
    {
        using var db = DatabaseSetup.CreateSqlite(ConnectionString);
        db.Database.EnsureCreated();
        var manager = new User { Name = "Manager", Email = "m@example.com", Role = UserRole.Manager };
        db.Users.Add(manager);
        for (var r = 0; r < reps; r++)
        {
            var rep = new User { Name = $"Rep {r}", Email = $"rep{r}@example.com" };
            db.Users.Add(rep);
            for (var d = 0; d < staleDealsEach; d++)
                db.Opportunities.Add(new Opportunity
                {
                    Name = $"Deal {r}.{d}", Owner = rep, Stage = OpportunityStage.Proposal,
                    CreatedAt = AsOf.AddDays(-90), LastModifiedAt = AsOf.AddDays(-20 - d),
                });
            db.Opportunities.Add(new Opportunity { Name = $"Fresh {r}", Owner = rep, CreatedAt = AsOf.AddDays(-9), LastModifiedAt = AsOf.AddDays(-1) });
        }
        db.Opportunities.Add(new Opportunity { Name = "Manager's own", Owner = manager, CreatedAt = AsOf.AddDays(-90), LastModifiedAt = AsOf.AddDays(-60) });
        db.SaveChanges();
    }

    [Fact]
    public async Task RunAsync_PreparesEveryRepsNudge_AndPrintsTimesAndMemory()
    {
        CreateCrm(reps: 3, staleDealsEach: 2);
        var output = new StringWriter();

        var exit = await BenchNudgesVerb.RunAsync(["nudges", "--connection", ConnectionString, "--as-of", "2026-02-10"], output);

        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("reps: 3\n", text);                // the manager is not a rep
        Assert.Contains("nudges with items: 3\n", text);
        Assert.Contains("items found: 6\n", text);         // the fresh deals are not stale
        Assert.Matches(@"per rep: \d+\.\d\d ms", text);
        Assert.Matches(@"peak working set: [1-9]\d* MB", text);
    }

    [Theory]
    [InlineData("--as-of", "yesterday")]
    [InlineData("--provider", "Oracle")]
    [InlineData("--colour", "red")]
    public async Task RunAsync_ExplainsBadOptions_WithoutAStackTrace(string option, string value)
    {
        var output = new StringWriter();

        var exit = await BenchNudgesVerb.RunAsync(["nudges", option, value], output);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("   at ", output.ToString());
        Assert.Contains(option, output.ToString());
    }

    [Fact]
    public async Task RunAsync_SaysSo_WhenTheDatabaseHasNoCrm()
    {
        var output = new StringWriter();

        var exit = await BenchNudgesVerb.RunAsync(["nudges", "--connection", ConnectionString], output);

        Assert.Equal(1, exit);
        Assert.StartsWith("Could not read the CRM database", output.ToString());
    }
}
