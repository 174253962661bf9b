using CrmBot.Core.Data;
using CrmBot.Core.Demo;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Demo;

// The volumes are the issue's (3 teams with managers, 20 reps, 1 admin, 500 accounts, 2,000 deals, 2,000 leads
// from 6+ sources, 20,000 activities); the per-rep checks restate design.md section 4's definitions here,
// independently of the generator, so that a generator change that empties a report for someone fails.
public sealed class DemoDataGeneratorFacts(DemoDataGeneratorFacts.Generated demo) : IClassFixture<DemoDataGeneratorFacts.Generated>
{
    public static readonly DateOnly Today = new(2026, 11, 27);

    public sealed class Generated : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new();
        public async Task InitializeAsync() => await SeedAsync(Database, 42, Today);
        public Task DisposeAsync() { Database.Dispose(); return Task.CompletedTask; }
    }

    private static async Task SeedAsync(TestDatabase database, int seed, DateOnly today)
    {
        await using var db = database.NewContext();
        await DemoSeeder.SeedAsync(db, new DemoOptions(seed, today, DemoScale.Demo), CancellationToken.None);
    }

    [Fact]
    public async Task Generate_GivesIdenticalData_WhenSeedAndDateAreTheSame()
    {
        using var again = new TestDatabase();
        using var otherSeed = new TestDatabase();
        await SeedAsync(again, 42, Today);
        await SeedAsync(otherSeed, 43, Today);

        await using var first = demo.Database.NewContext();
        await using var second = again.NewContext();
        await using var third = otherSeed.NewContext();
        var snapshot = DatabaseSnapshot.Take(first);
        Assert.Equal(snapshot, DatabaseSnapshot.Take(second));
        Assert.NotEqual(snapshot, DatabaseSnapshot.Take(third));
    }

    // 05:50 UTC: reps in the Americas are still on the day before. 08:30 UTC: it is 00:30 in California, so only half
    // of "today's first hour" there has passed.
    [Theory]
    [InlineData(5, 50)]
    [InlineData(8, 30)]
    public async Task Generate_PlacesNothingDoneAfterTheMomentOfGeneration_AndKeepsEachRecordInOrder(int hour, int minute)
    {
        var nowUtc = new DateTime(2026, 11, 27, hour, minute, 0, DateTimeKind.Utc);
        using var database = new TestDatabase();
        await using (var seeding = database.NewContext())
            await DemoSeeder.SeedAsync(seeding, new DemoOptions(42, Today, DemoScale.Demo, NowUtc: nowUtc), CancellationToken.None);

        await using var db = database.NewContext();
        Assert.True(await db.Activities.AnyAsync(a => a.Status == ActivityStatus.Completed && a.CompletedAt > nowUtc.AddHours(-2)));
        Assert.False(await db.Activities.AnyAsync(a => a.Status == ActivityStatus.Completed && a.CompletedAt > nowUtc));
        Assert.False(await db.Opportunities.AnyAsync(o => o.ClosedAt > nowUtc || o.LastModifiedAt > nowUtc || o.CreatedAt > nowUtc));
        Assert.False(await db.Leads.AnyAsync(l => l.CreatedAt > nowUtc || l.ConvertedAt > nowUtc));
        Assert.False(await db.Accounts.AnyAsync(a => a.LastContactAt > nowUtc));
        // Each record's own times in order: created, then completed / converted / closed.
        Assert.False(await db.Activities.AnyAsync(a => a.Status == ActivityStatus.Completed && a.CreatedAt > a.CompletedAt));
        Assert.False(await db.Leads.AnyAsync(l => l.ConvertedAt < l.CreatedAt));
        Assert.False(await db.Opportunities.AnyAsync(o => o.ClosedAt < o.CreatedAt));
        // Without the moment (an explicit date), the day is placed whole: the same data does reach past 05:50 UTC.
        await using var whole = demo.Database.NewContext();
        Assert.True(await whole.Activities.AnyAsync(a => a.Status == ActivityStatus.Completed && a.CompletedAt > nowUtc));
    }

    [Fact]
    public async Task Generate_HasTheIssuesVolumes_AtDemoScale()
    {
        await using var db = demo.Database.NewContext();
        Assert.True(await db.Teams.CountAsync(t => t.ManagerId != null) >= 3);
        Assert.Equal(20, await db.Users.CountAsync(u => u.Role == UserRole.Rep));
        Assert.Equal(1, await db.Users.CountAsync(u => u.Role == UserRole.Admin));
        Assert.Equal(500, await db.Accounts.CountAsync());
        Assert.Equal(2_000, await db.Opportunities.CountAsync());
        Assert.Equal(7, await db.Opportunities.Select(o => o.Stage).Distinct().CountAsync());
        Assert.Equal(3, await db.Opportunities.Select(o => o.Type).Distinct().CountAsync());
        Assert.False(await db.Opportunities.AnyAsync(o => o.Stage == OpportunityStage.ClosedLost && (o.LossReason == null || o.BantFlags == BantFlags.None)));
        Assert.False(await db.Opportunities.AnyAsync(o => o.Currency != "USD"));
        Assert.True(await db.Opportunities.AnyAsync(o => o.PartnerId != null));
        Assert.Equal(2_000, await db.Leads.CountAsync());
        Assert.True(await db.Leads.Select(l => l.Source).Distinct().CountAsync() >= 6);
        Assert.Equal(DemoDataGenerator.LeadStatuses.Length, await db.Leads.Select(l => l.Status).Distinct().CountAsync());
        Assert.Equal(20_000, await db.Activities.CountAsync());
        Assert.Equal(5 * 3, await db.Activities.Select(a => new { a.Type, a.Status }).Distinct().CountAsync());
        Assert.Equal(2, await db.Partners.Select(p => p.Kind).Distinct().CountAsync());
        Assert.True(await db.Products.Select(p => p.Family).Distinct().CountAsync() >= 3);
        Assert.False(await db.Opportunities.AnyAsync(o => o.AmountCents != o.LineItems.Sum(i => i.Quantity * i.UnitPriceCents)));
    }

    // design.md section 7, restated: a nudge a working day, at most ten items, each stale or neglected when it was sent
    // (untouched over 14 / 30 days, counting what earlier nudges' activities touched), none again within three days or
    // while snoozed; a snoozed item has its snooze, an item acted on its logged activity.
    // 2027-03-19: the last four weeks cross the spring clock change in America (March 14).
    [Theory]
    [InlineData("2026-11-27")]
    [InlineData("2027-03-19")]
    public async Task Generate_GivesEveryRepANudgeHistory_ThatFollowsTheNudgeRules(string date)
    {
        var today = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        using var other = today == Today ? null : new TestDatabase();
        if (other is not null)
            await SeedAsync(other, 42, today);
        await using var db = (other ?? demo.Database).NewContext();
        var reps = await db.Users.Where(u => u.Role == UserRole.Rep).ToDictionaryAsync(u => u.Id);
        var deliveries = await db.Deliveries.Where(d => d.Kind == DeliveryKind.Nudge).ToListAsync();
        var items = await db.NudgeItems.ToListAsync();
        var snoozes = await db.Snoozes.ToListAsync();
        var deals = await db.Opportunities.ToDictionaryAsync(o => o.Id);
        var accounts = await db.Accounts.ToDictionaryAsync(a => a.Id);
        var completed = await db.Activities.Where(a => a.Status == ActivityStatus.Completed).ToListAsync();

        Assert.All(reps.Keys, id => Assert.True(deliveries.Count(d => d.RecipientUserId == id) >= 4, $"rep {id} has a nudge history"));
        foreach (var delivery in deliveries)
        {
            var rep = reps[delivery.RecipientUserId!.Value];
            var local = TimeZoneInfo.ConvertTimeFromUtc(delivery.SentAt!.Value, TimeZoneInfo.FindSystemTimeZoneById(rep.TimeZone));
            Assert.Equal((delivery.LocalDate, new TimeOnly(9, 0)), (DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local)));
            Assert.True(delivery.LocalDate < today && delivery.LocalDate.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
            Assert.Equal((DeliveryStatus.Sent, $"nudge:{rep.Id}:{delivery.LocalDate:yyyy-MM-dd}"), (delivery.Status, delivery.Key));
            Assert.InRange(items.Count(i => i.DeliveryId == delivery.Id), 1, 10);
        }
        foreach (var item in items)
        {
            var at = item.NudgedAt;
            if (item.Reason == "stale")
            {
                var deal = deals[item.OpportunityId!.Value];
                var touched = completed.Where(a => a.CompletedAt <= at && (a.OpportunityId == deal.Id || (deal.AccountId != null && a.AccountId == deal.AccountId)))
                    .Select(a => a.CompletedAt!.Value).Append(deal.LastModifiedAt).Max();
                Assert.True(touched < at.AddDays(-14) && !deal.IsClosed && deal.OwnerId == item.UserId, $"deal {deal.Id} was stale when nudged ({touched:o} vs {at:o}, modified {deal.LastModifiedAt:o}, stage {deal.Stage})");
            }
            else
            {
                Assert.Equal("neglected", item.Reason);
                var account = accounts[item.AccountId!.Value];
                var contacted = completed.Where(a => a.CompletedAt <= at && (a.AccountId == account.Id || (a.OpportunityId != null && deals[a.OpportunityId.Value].AccountId == account.Id)))
                    .Select(a => (DateTime?)a.CompletedAt).Max();
                Assert.True((contacted ?? account.CreatedAt) < at.AddDays(-30) && account.OwnerId == item.UserId, $"account {account.Id} was neglected when nudged");
            }
            Assert.DoesNotContain(items, other => other.Id != item.Id && other.UserId == item.UserId
                && other.OpportunityId == item.OpportunityId && other.AccountId == item.AccountId && other.NudgedAt > at && other.NudgedAt < at.AddDays(3));
            // Acted on: the rep logged a call or e-mail on the record then, as the nudge's button does.
            if (item.Outcome == NudgeOutcome.ActedOn)
                Assert.Contains(completed, a => a.OwnerId == item.UserId && a.CompletedAt == item.OutcomeAt && a.CompletedAt > at
                    && (item.OpportunityId is { } dealId ? a.OpportunityId == dealId : a.AccountId == item.AccountId));
        }
        var snoozed = items.Where(i => i.Outcome == NudgeOutcome.Snoozed).ToList();
        Assert.NotEmpty(snoozed);
        Assert.Contains(items, i => i.Outcome == NudgeOutcome.None);
        // Nudge stats show reps acting on some nudges, not none (the demo once showed 0% acted on).
        Assert.InRange((double)items.Count(i => i.Outcome == NudgeOutcome.ActedOn) / items.Count, 0.1, 0.5);
        foreach (var item in snoozed)
        {
            var snooze = Assert.Single(snoozes, s => s.UserId == item.UserId && s.OpportunityId == item.OpportunityId && s.AccountId == item.AccountId
                && s.CreatedAt == item.OutcomeAt);
            Assert.DoesNotContain(items, other => other.UserId == item.UserId && other.OpportunityId == item.OpportunityId
                && other.AccountId == item.AccountId && other.NudgedAt > item.NudgedAt && other.NudgedAt < snooze.Until);
        }
    }

    [Fact]
    public async Task Generate_GivesEveryRepSomethingInEveryReport()
    {
        await using var db = demo.Database.NewContext();
        var reps = await db.Users.Where(u => u.Role == UserRole.Rep).ToListAsync();
        var deals = await db.Opportunities.ToListAsync();
        var activities = await db.Activities.ToListAsync();
        var accounts = await db.Accounts.ToListAsync();
        var leads = await db.Leads.ToListAsync();
        var quotas = await db.Quotas.ToListAsync();
        var lastTouchOfAccount = activities.Where(a => a.Status == ActivityStatus.Completed && a.AccountId != null)
            .GroupBy(a => a.AccountId!.Value).ToDictionary(g => g.Key, g => g.Max(a => a.CompletedAt!.Value));

        foreach (var rep in reps)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(rep.TimeZone);
            DateTime Utc(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
            var now = Utc(Today.AddDays(1));
            var quarterStart = new DateOnly(Today.Year, (Today.Month - 1) / 3 * 3 + 1, 1);
            var yearStart = new DateOnly(Today.Year, 1, 1);
            var mine = deals.Where(d => d.OwnerId == rep.Id).ToList();
            var open = mine.Where(d => !d.IsClosed).ToList();
            bool ClosedIn(Opportunity d, OpportunityStage stage, DateOnly from, DateOnly to) =>
                d.Stage == stage && d.ClosedAt >= Utc(from) && d.ClosedAt < Utc(to);
            DateTime LastTouch(Opportunity d) => new[] { d.LastModifiedAt, lastTouchOfAccount.GetValueOrDefault(d.AccountId ?? 0) }.Max();

            Assert.Contains(open, d => LastTouch(d) < now.AddDays(-14));                                   // stale deals
            Assert.Contains(accounts.Where(a => a.OwnerId == rep.Id && open.Any(d => d.AccountId == a.Id)),
                a => lastTouchOfAccount.GetValueOrDefault(a.Id, a.CreatedAt) < now.AddDays(-30));          // neglected customers
            // Besides the one never contacted, some that went quiet: the nudge history's logged calls leave them alone.
            Assert.True(accounts.Count(a => a.OwnerId == rep.Id && open.Any(d => d.AccountId == a.Id)
                && lastTouchOfAccount.TryGetValue(a.Id, out var touched) && touched < now.AddDays(-30)) >= 2, $"rep {rep.Id} has neglected customers once contacted");
            Assert.Contains(mine, d => ClosedIn(d, OpportunityStage.ClosedWon, Today.AddDays(1 - Today.Day), Today.AddDays(1)));      // won this month
            Assert.Contains(mine, d => ClosedIn(d, OpportunityStage.ClosedWon, quarterStart, Today.AddDays(1)));                      // won this quarter
            Assert.Contains(mine, d => ClosedIn(d, OpportunityStage.ClosedWon, quarterStart.AddMonths(-3), quarterStart));            // won last quarter
            Assert.Contains(mine, d => ClosedIn(d, OpportunityStage.ClosedWon, yearStart.AddYears(-1), yearStart));                   // won last year
            Assert.Contains(mine, d => ClosedIn(d, OpportunityStage.ClosedLost, quarterStart, Today.AddDays(1)) && d.LossReason != null); // lost this quarter
            Assert.Contains(mine, d => ClosedIn(d, OpportunityStage.ClosedLost, yearStart.AddYears(-1), yearStart));                  // lost last year
            Assert.Contains(open, d => d.ExpectedCloseDate >= quarterStart && d.ExpectedCloseDate < quarterStart.AddMonths(3)
                                       && d.ForecastCategory == ForecastCategory.Commit);                                              // forecast
            Assert.Contains(open, d => !activities.Any(a => a.OpportunityId == d.Id && a.Status == ActivityStatus.Planned));          // action plan
            Assert.Equal(12, quotas.Count(q => q.UserId == rep.Id && q.FiscalYear >= Today.Year - 1));

            var myLeads = leads.Where(l => l.OwnerId == rep.Id).ToList();
            Assert.Contains(myLeads, l => l.CreatedAt >= Utc(Today.AddDays(1 - Today.Day)));                                         // leads this month
            Assert.Contains(myLeads, l => l.CreatedAt >= Utc(Today.AddDays(1 - Today.Day).AddMonths(-1)) && l.CreatedAt < Utc(Today.AddDays(1 - Today.Day)));
            foreach (var (from, to) in new[] { (0, 7), (8, 30), (31, 90), (91, 10_000) })                                             // open leads by age
                Assert.Contains(myLeads, l => l.ConvertedAt == null && (now - l.CreatedAt).TotalDays >= from && (now - l.CreatedAt).TotalDays < to + 1);

            var myActivities = activities.Where(a => a.OwnerId == rep.Id).ToList();
            foreach (var type in Enum.GetValues<ActivityType>())
            {
                Assert.Contains(myActivities, a => a.Type == type && a.Status == ActivityStatus.Completed && a.CompletedAt >= Utc(Today)); // today
                Assert.Contains(myActivities, a => a.Type == type && a.Status == ActivityStatus.Planned && a.DueAt >= now && a.DueAt < now.AddDays(7));
            }
        }
    }
}
