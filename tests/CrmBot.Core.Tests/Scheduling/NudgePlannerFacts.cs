using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using CrmBot.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Scheduling;

public sealed class NudgePlannerFacts : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly SchedulingWorld _world;
    private readonly NudgeOptions _options = new();

    public NudgePlannerFacts() =>
        _world = new SchedulingWorld(_db.NewContext, new FakeTimeProvider(new DateTimeOffset(2026, 2, 10, 1, 0, 0, TimeSpan.Zero)));

    public void Dispose() => _db.Dispose();

    private async Task<NudgePlan> PlanAsync(User rep)
    {
        using var db = _db.NewContext();
        var plans = await new NudgePlanner(db, _options).PlanAsync([rep], _world.Now, CancellationToken.None);
        return plans[rep.Id];
    }

    [Fact]
    public async Task PlanAsync_UsesTheLatestOfModifiedDealActivityAndAccountActivity_AsLastTouch()
    {
        var rep = _world.Rep("Ann Lee", "Asia/Taipei");
        var busyAccount = _world.Account(rep, "Busy Co");
        var quietAccount = _world.Account(rep, "Quiet Co");
        _world.Activity(rep, 2, account: busyAccount);
        var touchedViaAccount = _world.Deal(rep, "Touched via account", 60, busyAccount);
        var callOnDeal = _world.Deal(rep, "Called 20 days ago", 60, quietAccount);
        _world.Activity(rep, 20, deal: callOnDeal);
        var onlyPlanned = _world.Deal(rep, "Only a planned call", 25, quietAccount);
        _world.Activity(rep, 3, deal: onlyPlanned, status: ActivityStatus.Planned);
        _world.Deal(rep, "Recently modified", 5, quietAccount);

        var plan = await PlanAsync(rep);

        var deals = plan.Items.Where(i => i.Kind == RecordKind.Opportunity).ToDictionary(i => i.Name);
        Assert.DoesNotContain(touchedViaAccount.Name, deals.Keys);
        Assert.DoesNotContain("Recently modified", deals.Keys);
        Assert.Equal(20, deals[callOnDeal.Name].DaysUntouched);
        Assert.Equal(25, deals[onlyPlanned.Name].DaysUntouched);
        Assert.All(deals.Values, d => Assert.Equal(NudgeReasons.Stale, d.Reason));
    }

    // Imports without account owners: an account is theirs who own a deal on it, as in the neglected-customers report.
    [Fact]
    public async Task PlanAsync_NudgesEveryRepWithADealOnANeglectedAccountWithoutOwner()
    {
        var ann = _world.Rep("Ann Lee", "UTC");
        var bob = _world.Rep("Bob Ng", "UTC");
        var cat = _world.Rep("Cat Wu", "UTC");
        var shared = _world.Account(null, "Shared Co");
        _world.Deal(ann, "Ann's deal", 1, shared);
        _world.Deal(ann, "Ann's second deal", 1, shared);
        _world.Deal(bob, "Bob's deal", 1, shared);
        var called = _world.Account(null, "Called Co");
        _world.Deal(cat, "Cat's deal", 1, called);
        _world.Activity(cat, 2, account: called);

        using var db = _db.NewContext();
        var plans = await new NudgePlanner(db, _options).PlanAsync([ann, bob, cat], _world.Now, CancellationToken.None);

        string[] Accounts(User rep) => plans[rep.Id].Items.Where(i => i.Kind == RecordKind.Account).Select(i => i.Name).ToArray();
        Assert.Equal(["Shared Co"], Accounts(ann));   // once, for two deals
        Assert.Equal(["Shared Co"], Accounts(bob));
        Assert.Empty(Accounts(cat));                  // contacted two days ago
    }

    [Fact]
    public async Task PlanAsync_ListsTopTenMostNeglectedFirst_WithTheCountOfAll()
    {
        var rep = _world.Rep("Bo Chen", "Europe/Berlin");
        for (var i = 0; i < 12; i++)
            _world.Deal(rep, $"Deal {i:00}", 15 + i * 3);

        var plan = await PlanAsync(rep);

        Assert.Equal(12, plan.TotalItems);
        Assert.Equal(10, plan.Items.Count);
        Assert.Equal("Deal 11", plan.Items[0].Name);   // 48 days untouched: the oldest
        Assert.Equal(Enumerable.Range(2, 10).Reverse().Select(i => $"Deal {i:00}"), plan.Items.Select(i => i.Name));
    }

    [Fact]
    public async Task PlanAsync_ListsDealsClosingWithinSevenDaysOrOverdue_ButNotLaterOnes()
    {
        var rep = _world.Rep("Cy Diaz", "America/New_York");
        var today = new DateOnly(2026, 2, 9);   // 01:00 UTC on Feb 10 is Feb 9 in New York
        _world.Deal(rep, "Closes in 7 days", 5, expectedClose: today.AddDays(7));
        _world.Deal(rep, "Overdue", 5, expectedClose: today.AddDays(-3));
        _world.Deal(rep, "Closes in 8 days", 5, expectedClose: today.AddDays(8));
        _world.Deal(rep, "Closing but touched yesterday", 1, expectedClose: today.AddDays(2));

        var plan = await PlanAsync(rep);

        Assert.Equal(["Closes in 7 days", "Closing but touched yesterday", "Overdue"], plan.Items.Select(i => i.Name).Order());
        Assert.All(plan.Items, i => Assert.Equal(NudgeReasons.Closing, i.Reason));
    }

    [Fact]
    public async Task PlanAsync_ListsActiveAccountsWithoutContactForThirtyDays_CountingNeverContactedFromCreation()
    {
        var rep = _world.Rep("Di Wu", "Asia/Taipei");
        var wonLastQuarter = _world.Account(rep, "Won last quarter", createdDaysAgo: 200);
        _world.Deal(rep, "Won", 100, wonLastQuarter, stage: OpportunityStage.ClosedWon, closedAt: _world.Now.AddDays(-100));
        var onlyLost = _world.Account(rep, "Only lost deals", createdDaysAgo: 200);
        _world.Deal(rep, "Lost", 100, onlyLost, stage: OpportunityStage.ClosedLost, closedAt: _world.Now.AddDays(-100));
        var newAccount = _world.Account(rep, "New account", createdDaysAgo: 10);
        _world.Deal(rep, "Fresh", 1, newAccount);
        var calledViaDeal = _world.Account(rep, "Called via deal", createdDaysAgo: 200);
        var deal = _world.Deal(rep, "Active deal", 1, calledViaDeal);
        _world.Activity(rep, 10, deal: deal);

        var plan = await PlanAsync(rep);

        var accounts = plan.Items.Where(i => i.Kind == RecordKind.Account).ToList();
        var only = Assert.Single(accounts);
        Assert.Equal("Won last quarter", only.Name);
        Assert.Equal(200, only.DaysUntouched);
        Assert.Equal(NudgeReasons.Neglected, only.Reason);
    }

    [Fact]
    public async Task PlanAsync_HonoursTheRepsOwnStaleThreshold()
    {
        var rep = _world.Rep("Ed Fox", "UTC", configure: u => u.StaleThresholdDays = 30);
        _world.Deal(rep, "20 days", 20);
        _world.Deal(rep, "40 days", 40);

        var plan = await PlanAsync(rep);

        Assert.Equal(["40 days"], plan.Items.Select(i => i.Name));
    }

    [Fact]
    public async Task Build_GivesEveryRowLogSnoozeAndOpenButtons_InTheRepsLanguage()
    {
        var rep = _world.Rep("Fay Gao", "Asia/Taipei", language: "zh-TW");
        for (var i = 0; i < 11; i++)
            _world.Deal(rep, $"Deal {i}", 20 + i);

        var reply = NudgeMessage.Build(await PlanAsync(rep), rep);

        Assert.Equal(ReplyKind.Nudge, reply.Kind);
        Assert.Equal("zh-TW", reply.Language);
        Assert.Contains("跟進", reply.Title);
        Assert.Matches(@" · 截至 \d{4}年\d{1,2}月\d{1,2}日$", reply.Report!.Context);
        var plan = await PlanAsync(rep);
        rep.Language = "en";
        Assert.Matches(@" · as of \d{4}-\d{2}-\d{2}$", NudgeMessage.Build(plan, rep).Report!.Context);   // as every report writes it
        rep.Language = "zh-TW";
        var table = Assert.Single(reply.Report!.Tables);
        Assert.Equal(10, table.Rows.Count);
        Assert.Equal(11, table.TotalRows);
        Assert.Contains(reply.Report.Notes, n => n.Contains('1'));
        Assert.All(table.Rows, row =>
        {
            Assert.Equal(RecordKind.Opportunity, row.Record!.Kind);
            Assert.Equal(
                [RowActionKind.LogCall, RowActionKind.LogEmail, RowActionKind.Snooze, RowActionKind.Snooze, RowActionKind.Snooze, RowActionKind.OpenInCrm],
                row.Actions.Select(a => a.Kind));
            Assert.Equal([7, 30, null], row.Actions.Where(a => a.Kind == RowActionKind.Snooze).Select(a => a.Days));
            Assert.All(row.Actions, a => Assert.Equal(row.Record, a.Record));
        });
    }
}
