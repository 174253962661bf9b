using CrmBot.Core.Data;
using CrmBot.Core.Import;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Import;

// Expected figures come from the data set's README (stage counts, 85 accounts, 35 agents under 6 managers,
// 1,480 GTXPro rows) and from the issue (won revenue 10,005,534; Darcel Schlecht 1,153,214 from 349 deals).
public sealed class MavenImportFacts(MavenImportFacts.Imported maven) : IClassFixture<MavenImportFacts.Imported>
{
    /// <summary>One import of the unchanged export, shared by the tests that only read it.</summary>
    public sealed class Imported : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new();
        public ImportResult Result { get; private set; } = ImportResult.Failed([]);
        public async Task InitializeAsync() => Result = await ImportAsync(Database, RepoPaths.Maven);
        public Task DisposeAsync() { Database.Dispose(); return Task.CompletedTask; }
    }

    private static async Task<ImportResult> ImportAsync(TestDatabase database, string directory)
    {
        await using var db = database.NewContext();
        return await MavenImport.RunAsync(db, directory, null, CancellationToken.None);
    }

    [Fact]
    public async Task RunAsync_YieldsTheDataSetsCounts_WhenImportingTheMavenExport()
    {
        var result = maven.Result;

        Assert.True(result.Succeeded, string.Join("\n", result.Rejected));
        await using var db = maven.Database.NewContext();
        Assert.Equal(new TableChanges("Teams", 6, 0), result.Changes.Single(c => c.Table == "Teams"));
        Assert.Equal(new TableChanges("Opportunities", 8_800, 0), result.Changes.Single(c => c.Table == "Opportunities"));
        Assert.Equal(8_800, await db.Opportunities.CountAsync());
        var byStage = await db.Opportunities.GroupBy(o => o.Stage).ToDictionaryAsync(g => g.Key, g => g.Count());
        Assert.Equal(4_238, byStage[OpportunityStage.ClosedWon]);
        Assert.Equal(2_473, byStage[OpportunityStage.ClosedLost]);
        Assert.Equal(1_589, byStage[OpportunityStage.Qualification]);
        Assert.Equal(500, byStage[OpportunityStage.Prospecting]);
        Assert.Equal(35, await db.Users.CountAsync(u => u.Role == UserRole.Rep));
        Assert.Equal(6, await db.Users.CountAsync(u => u.Role == UserRole.Manager));
        Assert.Equal(6, await db.Teams.CountAsync(t => t.ManagerId != null));
        Assert.Equal(85, await db.Accounts.CountAsync());
        Assert.Equal(15, await db.Accounts.CountAsync(a => a.ParentAccountId != null));
        Assert.Equal(7, await db.Products.CountAsync());
    }

    [Fact]
    public async Task RunAsync_GivesTheKnownWonFigures_WhenImportingTheMavenExport()
    {
        await using var db = maven.Database.NewContext();
        var won = db.Opportunities.Where(o => o.Stage == OpportunityStage.ClosedWon);
        Assert.Equal(10_005_534L * 100, await won.SumAsync(o => o.AmountCents));
        var darcel = won.Where(o => o.Owner!.Name == "Darcel Schlecht");
        Assert.Equal(349, await darcel.CountAsync());
        Assert.Equal(1_153_214L * 100, await darcel.SumAsync(o => o.AmountCents));
        Assert.Equal("darcel.schlecht@maven.example", await db.Users.Where(u => u.Name == "Darcel Schlecht").Select(u => u.Email).SingleAsync());
    }

    [Fact]
    public async Task RunAsync_HandlesTheReadmeQuirks_WhenImportingTheMavenExport()
    {
        await using var db = maven.Database.NewContext();
        // "GTXPro" in the pipeline is products.csv's "GTX Pro".
        Assert.Equal(1_480, await db.Set<OpportunityLineItem>().CountAsync(i => i.Product!.Name == "GTX Pro"));
        Assert.Equal(8_800, await db.Set<OpportunityLineItem>().Select(i => i.OpportunityId).Distinct().CountAsync());
        // Open deals without account or value are kept, valued at their product's list price.
        Assert.Equal(1_425, await db.Opportunities.CountAsync(o => o.AccountId == null));
        Assert.Equal(0, await db.Opportunities.CountAsync(o => o.AmountCents == null));
        var gtxPro = await db.Products.SingleAsync(p => p.Name == "GTX Pro");
        Assert.Equal(4_821_00, gtxPro.ListPriceCents);
        Assert.Equal("GTX", gtxPro.Family);
        // Typos of accounts.csv are fixed.
        Assert.Equal(0, await db.Accounts.CountAsync(a => a.Industry == "technolgy" || a.Location == "Philipines"));
        Assert.True(await db.Accounts.AnyAsync(a => a.Location == "Philippines"));
        // A close date is that calendar date (stored at noon UTC); no created date is missing.
        var first = await db.Opportunities.SingleAsync(o => o.ExternalId == "1C1I7A6R");
        Assert.Equal(new DateTime(2017, 3, 1, 12, 0, 0), first.ClosedAt);
        Assert.Equal(new DateTime(2016, 10, 20, 12, 0, 0), first.CreatedAt);
        Assert.Equal(0, await db.Opportunities.CountAsync(o => o.CreatedAt == default));
    }

    [Fact]
    public async Task RunAsync_ChangesNothing_WhenRunASecondTime()
    {
        using var database = new TestDatabase();
        await ImportAsync(database, RepoPaths.Maven);
        string before;
        await using (var db = database.NewContext())
            before = DatabaseSnapshot.Take(db);

        var second = await ImportAsync(database, RepoPaths.Maven);

        Assert.True(second.Succeeded);
        Assert.All(second.Changes, c => Assert.Equal((0, 0), (c.Added, c.Updated)));
        await using (var db = database.NewContext())
            Assert.Equal(before, DatabaseSnapshot.Take(db));
    }

    [Fact]
    public async Task RunAsync_UpdatesInPlace_WhenAValueChangedInTheFile()
    {
        using var database = new TestDatabase();
        using var copy = RepoPaths.CopyOf(RepoPaths.Maven);
        await ImportAsync(database, copy.Path);
        var path = copy.File("sales_pipeline.csv");
        File.WriteAllText(path, File.ReadAllText(path).Replace("1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054",
            "1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,2000"));

        var second = await ImportAsync(database, copy.Path);

        Assert.True(second.Succeeded);
        await using var db = database.NewContext();
        Assert.Equal(8_800, await db.Opportunities.CountAsync());
        Assert.Equal(2000_00, (await db.Opportunities.SingleAsync(o => o.ExternalId == "1C1I7A6R")).AmountCents);
        Assert.Equal(1, second.Changes.Single(c => c.Table == "Opportunities").Updated);
    }

    [Fact]
    public async Task RunAsync_NamesFileAndLine_AndWritesNothing_WhenARowIsBroken()
    {
        using var database = new TestDatabase();
        using var copy = RepoPaths.CopyOf(RepoPaths.Maven);
        var path = copy.File("sales_pipeline.csv");
        var lines = File.ReadAllLines(path);
        lines[4] = lines[4].Replace("2016-", "2016/"); // line 5: a date in the wrong format
        lines[9] = lines[9].Split(',')[0] + ",Nobody Known," + string.Join(',', lines[9].Split(',')[2..]); // line 10: unknown agent
        File.WriteAllLines(path, lines);
        string before;
        await using (var db = database.NewContext())
            before = DatabaseSnapshot.Take(db);

        var result = await ImportAsync(database, copy.Path);

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Rejected.Count);
        Assert.StartsWith("sales_pipeline.csv:5: engage_date '2016/", result.Rejected[0]);
        Assert.Equal("sales_pipeline.csv:10: sales_agent 'Nobody Known' is not in sales_teams.csv", result.Rejected[1]);
        await using (var db = database.NewContext())
            Assert.Equal(before, DatabaseSnapshot.Take(db));
    }

    [Fact]
    public async Task RunAsync_LeavesAnEarlierImportUnchanged_WhenTheNextFileHasABrokenRow()
    {
        using var database = new TestDatabase();
        using var copy = RepoPaths.CopyOf(RepoPaths.Maven);
        await ImportAsync(database, copy.Path);
        string before;
        await using (var db = database.NewContext())
            before = DatabaseSnapshot.Take(db);
        var path = copy.File("sales_pipeline.csv");
        var lines = File.ReadAllLines(path).ToList();
        lines[1] = lines[1].Replace(",1054", ",3000"); // a change that must not land...
        lines.Add("ZZZZ0001,Moses Frase,GTX Plus Basic,Cancity,Won,2017-01-01,2017-02-01,"); // ...because this Won row has no value
        File.WriteAllLines(path, lines);

        var result = await ImportAsync(database, copy.Path);

        Assert.Equal([$"sales_pipeline.csv:{lines.Count}: a Won deal needs a close_value above 0"], result.Rejected);
        await using (var db = database.NewContext())
            Assert.Equal(before, DatabaseSnapshot.Take(db));
    }

    [Fact]
    public async Task RunAsync_ThrowsAClearFileError_WhenAColumnIsMissing()
    {
        using var database = new TestDatabase();
        using var copy = RepoPaths.CopyOf(RepoPaths.Maven);
        var path = copy.File("products.csv");
        File.WriteAllText(path, File.ReadAllText(path).Replace("sales_price", "price"));

        var error = await Assert.ThrowsAsync<ImportFileException>(() => ImportAsync(database, copy.Path));

        Assert.Equal("products.csv:1: missing column(s) 'sales_price'; is this the right export?", error.Message);
    }
}
