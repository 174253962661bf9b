using CrmBot.Core.Data;
using CrmBot.Core.Import;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Import;

// Expected figures come from the data set's README: 3,632 deals with their stage counts, 3,900 leads,
// 11 users, Calls 1,528 distinct rows once TASKID is ignored, Tasks 911 distinct rows, Events 2,978.
public sealed class ZohoImportFacts(ZohoImportFacts.Imported zoho) : IClassFixture<ZohoImportFacts.Imported>
{
    /// <summary>One import of the unchanged export, shared by the tests that only read it.</summary>
    public sealed class Imported : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new();
        public ImportResult Result { get; private set; } = ImportResult.Failed([]);
        public async Task InitializeAsync() => Result = await ImportAsync(Database, RepoPaths.Zoho);
        public Task DisposeAsync() { Database.Dispose(); return Task.CompletedTask; }
    }

    private static async Task<ImportResult> ImportAsync(TestDatabase database, string directory)
    {
        await using var db = database.NewContext();
        return await ZohoImport.RunAsync(db, directory, null, CancellationToken.None);
    }

    [Fact]
    public async Task RunAsync_FillsTheStoredLastTouch_FromTheImportedActivities()
    {
        // The oracle is design.md section 4 evaluated in memory over the imported rows, independent of LastTouch's SQL.
        await using var db = zoho.Database.NewContext();
        var completed = await db.Activities.Where(a => a.Status == ActivityStatus.Completed && a.CompletedAt != null)
            .Select(a => new { a.OpportunityId, a.AccountId, CompletedAt = a.CompletedAt!.Value }).ToListAsync();
        var deals = await db.Opportunities.Select(o => new { o.Id, o.AccountId, o.LastModifiedAt, o.LastTouchAt }).ToListAsync();
        var accounts = await db.Accounts.Select(a => new { a.Id, a.LastContactAt }).ToListAsync();
        var latestByDeal = completed.Where(a => a.OpportunityId != null).GroupBy(a => a.OpportunityId!.Value).ToDictionary(g => g.Key, g => g.Max(a => a.CompletedAt));
        var latestByAccount = completed.Where(a => a.AccountId != null).GroupBy(a => a.AccountId!.Value).ToDictionary(g => g.Key, g => g.Max(a => a.CompletedAt));
        var dealAccount = deals.ToDictionary(d => d.Id, d => d.AccountId);

        // Zoho links activities to accounts, not deals: the deals' values must come from their accounts' activities.
        Assert.Contains(deals, d => d.LastTouchAt > d.LastModifiedAt);
        foreach (var deal in deals)
        {
            var expected = new[] { deal.LastModifiedAt, latestByDeal.GetValueOrDefault(deal.Id),
                deal.AccountId is { } account ? latestByAccount.GetValueOrDefault(account) : default }.Max();
            Assert.Equal(expected, deal.LastTouchAt);
        }
        var contactByAccount = completed
            .SelectMany(a => new[] { a.AccountId, a.OpportunityId is { } o ? dealAccount.GetValueOrDefault(o) : null }.Distinct()
                .Where(id => id is not null).Select(id => (Account: id!.Value, a.CompletedAt)))
            .GroupBy(x => x.Account).ToDictionary(g => g.Key, g => g.Max(x => x.CompletedAt));
        Assert.NotEmpty(contactByAccount);
        foreach (var account in accounts)
            Assert.Equal(contactByAccount.TryGetValue(account.Id, out var at) ? at : null, account.LastContactAt);
    }

    [Fact]
    public async Task RunAsync_YieldsTheDataSetsCounts_WhenImportingTheZohoExport()
    {
        var result = zoho.Result;

        Assert.True(result.Succeeded, string.Join("\n", result.Rejected));
        await using var db = zoho.Database.NewContext();
        Assert.Equal(3_632, await db.Opportunities.CountAsync());
        Assert.Equal(3_900, await db.Leads.CountAsync());
        Assert.Equal(11, await db.Users.CountAsync());
        Assert.Equal(2_229, await db.Accounts.CountAsync());
        Assert.Equal(1_265, await db.Contacts.CountAsync());
        var byStage = await db.Opportunities.GroupBy(o => o.Stage).ToDictionaryAsync(g => g.Key, g => g.Count());
        Assert.Equal(1_425, byStage[OpportunityStage.ClosedWon]);
        Assert.Equal(485, byStage[OpportunityStage.ClosedLost]);
        Assert.Equal(283 + 136, byStage[OpportunityStage.Proposal]);
        Assert.Equal(245, byStage[OpportunityStage.Prospecting]);
        Assert.Equal(3_632, await db.Leads.CountAsync(l => l.ConvertedOpportunityId != null));
    }

    [Fact]
    public async Task RunAsync_DeduplicatesActivities_AsTheReadmeDescribes()
    {
        await using var db = zoho.Database.NewContext();
        var byType = await db.Activities.GroupBy(a => a.Type).ToDictionaryAsync(g => g.Key, g => g.Count());
        Assert.Equal(1_528, byType[ActivityType.Call]);
        Assert.Equal(2_978, byType[ActivityType.Meeting]);
        Assert.Equal(911, byType[ActivityType.Task]);
    }

    [Fact]
    public async Task RunAsync_ReadsBothDateFormatsAndDollarAmounts_WhenImportingTheZohoExport()
    {
        await using var db = zoho.Database.NewContext();
        // Potentials.csv line 2: "Lewis, James", "15 Apr, 2021 00:02:00", "$22,700.00", LEADID 1832.
        var lewis = await db.Opportunities.SingleAsync(o => o.ExternalId == "lead:1832");
        Assert.Equal("Lewis, James", lewis.Name);
        Assert.Equal(22_700_00, lewis.AmountCents);
        Assert.Equal(new DateTime(2021, 4, 15, 0, 2, 0), lewis.CreatedAt);
        Assert.Equal(new DateOnly(2021, 4, 16), lewis.ExpectedCloseDate);
        Assert.Equal(OpportunityType.Upsell, lewis.Type);
        // Events.csv line 2 (ISO dates): EVENTID 25842000000262376 at 2021-04-15 21:02:00.
        var demo = await db.Activities.SingleAsync(a => a.ExternalId == "event:25842000000262376");
        Assert.Equal(new DateTime(2021, 4, 15, 21, 2, 0), demo.CompletedAt);
        Assert.Equal("Demo for Sara", demo.Subject);
    }

    [Fact]
    public async Task RunAsync_SpellsEachLeadSourceOneWay_WhenFilesDisagree()
    {
        await using var db = zoho.Database.NewContext();
        Assert.Equal(0, await db.Opportunities.CountAsync(o => o.Source == "OnlineStore"));
        Assert.Equal(369, await db.Opportunities.CountAsync(o => o.Source == "Online Store"));
        Assert.Equal(370, await db.Leads.CountAsync(l => l.Source == "Online Store"));
        Assert.Equal(0, await db.Activities.CountAsync(a => a.Type == ActivityType.Task && (a.Subject == "follow up" || a.Subject == "Followup")));
        Assert.True(await db.Activities.AnyAsync(a => a.Type == ActivityType.Task && a.Subject == "Follow up"));
    }

    [Fact]
    public async Task RunAsync_ChangesNothing_WhenRunASecondTime()
    {
        using var database = new TestDatabase();
        await ImportAsync(database, RepoPaths.Zoho);
        string before;
        await using (var db = database.NewContext())
            before = DatabaseSnapshot.Take(db);

        var second = await ImportAsync(database, RepoPaths.Zoho);

        Assert.True(second.Succeeded);
        Assert.All(second.Changes, c => Assert.Equal((0, 0), (c.Added, c.Updated)));
        await using (var db = database.NewContext())
            Assert.Equal(before, DatabaseSnapshot.Take(db));
    }

    [Fact]
    public async Task RunAsync_NamesFileAndLine_AndWritesNothing_WhenARowIsBroken()
    {
        using var database = new TestDatabase();
        using var copy = RepoPaths.CopyOf(RepoPaths.Zoho);
        var path = copy.File("Potentials.csv");
        var lines = File.ReadAllLines(path);
        lines[1] = lines[1].Replace("\"$22,700.00\"", "\"$22,7OO.00\"");
        File.WriteAllLines(path, lines);

        var result = await ImportAsync(database, copy.Path);

        Assert.Equal(["Potentials.csv:2: Amount '$22,7OO.00' is not an amount"], result.Rejected);
        await using var db = database.NewContext();
        Assert.Equal(0, await db.Users.CountAsync());
    }
}
