using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Reports;

public sealed class StaleDealsFacts : IDisposable
{
    private static readonly DateTime NowUtc = CrmBuilder.Utc(2017, 9, 30, 12);
    private static readonly DateTimeOffset Now = new(NowUtc);
    private static readonly ReportRequest Request = new(ReportKind.StaleDeals);
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public StaleDealsFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private static IReadOnlyList<string> Names(ReportResult r) => r.Tables[0].Rows.Select(x => x.Cells[0].Text).ToList();

    [Fact]
    public async Task RunAsync_ListsOpenDealsUntouchedForMoreThanTheThreshold()
    {
        var rep = _crm.Rep("Ann");
        _crm.Deal(rep, name: "Exactly 14 days", modified: NowUtc.AddDays(-14));
        _crm.Deal(rep, name: "14 days and a minute", modified: NowUtc.AddDays(-14).AddMinutes(-1));
        _crm.Deal(rep, OpportunityStage.ClosedLost, name: "Closed long ago", closed: NowUtc.AddDays(-100));
        _crm.Deal(rep, name: "Touched yesterday", modified: NowUtc.AddDays(-1));

        var result = await _crm.AnswerAsync(Request, rep, Now);

        Assert.Equal(["14 days and a minute"], Names(result));
        Assert.Equal("14 days", result.Tables[0].Rows[0].Cells[5].Text);
        Assert.Null(result.Period);
    }

    // Their plan counts stale deals by their own threshold, and its "My stale deals" button must list the same deals.
    [Fact]
    public async Task RunAsync_UsesTheAskersOwnThreshold_ForTheirOwnDeals_UnlessOneIsAsked()
    {
        var rep = _crm.Rep("Ann");
        var other = _crm.Rep("Bob");
        _crm.Deal(rep, name: "20 days", modified: NowUtc.AddDays(-20));
        _crm.Deal(rep, name: "40 days", modified: NowUtc.AddDays(-40));
        _crm.Deal(other, name: "Bob's 20 days", modified: NowUtc.AddDays(-20));
        rep.StaleThresholdDays = 30;   // the builder tracks its rows: saved with the deals
        _crm.Save();

        Assert.Equal(["40 days"], Names(await _crm.AnswerAsync(Request, rep, Now)));
        Assert.Equal(["40 days", "20 days"], Names(await _crm.AnswerAsync(Request with { ThresholdDays = 14 }, rep, Now)));
        Assert.Equal(["Bob's 20 days"], Names(await _crm.AnswerAsync(Request, other, Now)));   // no setting: 14 days
    }

    // design.md 7: admins set the defaults; a user's own threshold still wins for their deals.
    [Fact]
    public async Task RunAsync_UsesTheAdminsDefault_WhenNeitherAskedNorSetByThePerson()
    {
        var north = _crm.Team("North");
        var rep = _crm.Rep("Ann", north);
        var manager = _crm.Manager("Mo", north);
        _crm.Deal(rep, name: "20 days", modified: NowUtc.AddDays(-20));
        _crm.Deal(rep, name: "40 days", modified: NowUtc.AddDays(-40));
        var admin21 = new NudgeOptions { StaleDays = 21 };

        Assert.Equal(["40 days"], Names(await _crm.AnswerAsync(Request, rep, Now, nudges: admin21)));
        Assert.Equal(["40 days"], Names(await _crm.AnswerAsync(Request with { Subject = SubjectSpec.MyTeam }, manager, Now, nudges: admin21)));
        rep.StaleThresholdDays = 14;
        _crm.Save();
        Assert.Equal(["40 days", "20 days"], Names(await _crm.AnswerAsync(Request, rep, Now, nudges: admin21)));
    }

    // "Plan for Ann" counts Ann's stale deals by Ann's threshold; "stale deals for Ann" must list the same ones.
    [Fact]
    public async Task RunAsync_UsesThePersonsOwnThreshold_WhenSomeoneElseAsksForTheirDeals()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var rep = _crm.Rep("Ann", team);
        _crm.Deal(rep, name: "20 days", modified: NowUtc.AddDays(-20));
        _crm.Deal(rep, name: "40 days", modified: NowUtc.AddDays(-40));
        _crm.Deal(manager, name: "Mia's 20 days", modified: NowUtc.AddDays(-20));
        rep.StaleThresholdDays = 30;
        _crm.Save();

        var forAnn = await _crm.AnswerAsync(Request with { Subject = SubjectSpec.User("Ann") }, manager, Now);
        Assert.Equal(["40 days"], Names(forAnn));
        Assert.Contains("30", forAnn.Title);
        Assert.Equal(["40 days", "20 days"], Names(await _crm.AnswerAsync(Request with { Subject = SubjectSpec.User("Ann"), ThresholdDays = 14 }, manager, Now)));
        // The team's deals: no one person's setting, 14 days.
        Assert.Equal(["40 days", "20 days", "Mia's 20 days"], Names(await _crm.AnswerAsync(Request with { Subject = SubjectSpec.MyTeam }, manager, Now)));
    }

    [Fact]
    public async Task RunAsync_TakesTheLatestCompletedActivity_OnTheDealOrItsAccount()
    {
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep);
        var viaAccount = _crm.Deal(rep, name: "Account call", account: account, modified: NowUtc.AddDays(-60));
        var viaDeal = _crm.Deal(rep, name: "Deal email", modified: NowUtc.AddDays(-60));
        var plannedOnly = _crm.Deal(rep, name: "Only planned", modified: NowUtc.AddDays(-60));
        var future = _crm.Deal(rep, name: "Completed after now", modified: NowUtc.AddDays(-60));
        _crm.Activity(rep, ActivityType.Call, completed: NowUtc.AddDays(-2), account: account);
        _crm.Activity(rep, ActivityType.Email, completed: NowUtc.AddDays(-3), deal: viaDeal);
        _crm.Activity(rep, ActivityType.Meeting, due: NowUtc.AddDays(-3), deal: plannedOnly);
        _crm.Activity(rep, ActivityType.Call, completed: NowUtc.AddDays(5), deal: future);
        _crm.Activity(rep, ActivityType.Call, completed: NowUtc.AddDays(-1), deal: plannedOnly, status: ActivityStatus.Cancelled);

        var result = await _crm.AnswerAsync(Request, rep, Now);

        Assert.DoesNotContain(viaAccount.Name, Names(result));
        Assert.DoesNotContain(viaDeal.Name, Names(result));
        Assert.Equal(["Completed after now", "Only planned"], Names(result).Order());
    }

    [Fact]
    public async Task RunAsync_SortsByDaysSinceTouch_ThenAmount()
    {
        var rep = _crm.Rep("Ann");
        _crm.Deal(rep, name: "30 days small", amount: 100, modified: NowUtc.AddDays(-30));
        _crm.Deal(rep, name: "30 days big", amount: 900, modified: NowUtc.AddDays(-30));
        _crm.Deal(rep, name: "60 days", amount: 1, modified: NowUtc.AddDays(-60));

        var result = await _crm.AnswerAsync(Request with { ThresholdDays = 20 }, rep, Now);

        Assert.Equal(["60 days", "30 days big", "30 days small"], Names(result));
        Assert.Equal("Stale deals (no touch for over 20 days)", result.Title);
        Assert.Equal("$1,001", result.Facts[1].Value.Text);
    }

    [Fact]
    public async Task RunAsync_ShowsCentsOnEveryAmountOfTheColumn_WhenOneHasThem()
    {
        var rep = _crm.Rep("Ann");
        _crm.Deal(rep, name: "Whole", amount: 1200, modified: NowUtc.AddDays(-30));
        _crm.Deal(rep, name: "With cents", amount: 1234.5m, modified: NowUtc.AddDays(-30));

        var result = await _crm.AnswerAsync(Request, rep, Now);

        var amount = result.Tables[0].Columns.ToList().FindIndex(c => c.Kind == ValueKind.Money);
        Assert.Equal(["$1,234.50", "$1,200.00"], result.Tables[0].Rows.Select(r => r.Cells[amount].Text));
        Assert.Equal(1200m, result.Tables[0].Rows[1].Cells[amount].Number);
    }

    [Fact]
    public async Task RunAsync_SaysOneDay_InTheSingular()
    {
        var rep = _crm.Rep("Ann");

        var result = await _crm.AnswerAsync(Request with { ThresholdDays = 1 }, rep, Now);

        Assert.Equal("Stale deals (no touch for over 1 day)", result.Title);
    }

    [Fact]
    public async Task RunAsync_ShowsTheNextPlannedActivity()
    {
        var rep = _crm.Rep("Ann");
        var deal = _crm.Deal(rep, modified: NowUtc.AddDays(-30));
        _crm.Activity(rep, ActivityType.Visit, due: CrmBuilder.Utc(2017, 10, 9), deal: deal);
        _crm.Activity(rep, ActivityType.Call, due: CrmBuilder.Utc(2017, 10, 3), deal: deal);

        var result = await _crm.AnswerAsync(Request, rep, Now);

        Assert.Equal("Call Oct 3, 2017", result.Tables[0].Rows[0].Cells[6].Text);
    }

    [Fact]
    public async Task RunAsync_OffersLogAndSnooze_OnlyOnTheAskersOwnDeals()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var rep = _crm.Rep("Ann", team);
        _crm.Deal(rep, name: "Ann's", modified: NowUtc.AddDays(-30));
        _crm.Deal(manager, name: "Mia's", modified: NowUtc.AddDays(-31));
        var options = new CrmOptions { RecordUrlTemplate = "https://crm.example.com/{kind}/{id}" };

        var result = await _crm.AnswerAsync(Request, manager, Now, options);

        var mine = result.Tables[0].Rows.Single(r => r.Cells[0].Text == "Mia's");
        var theirs = result.Tables[0].Rows.Single(r => r.Cells[0].Text == "Ann's");
        Assert.Equal([RowActionKind.LogCall, RowActionKind.LogEmail, RowActionKind.Snooze, RowActionKind.OpenInCrm], mine.Actions.Select(a => a.Kind));
        Assert.Equal(7, mine.Actions.Single(a => a.Kind == RowActionKind.Snooze).Days);
        Assert.Equal([RowActionKind.OpenInCrm], theirs.Actions.Select(a => a.Kind));
        Assert.Equal($"https://crm.example.com/opportunity/{mine.Record!.Id}", mine.Record.Url);
        Assert.True(result.HasPersonalRecords);
    }

    [Fact]
    public async Task RunAsync_LinksNothing_WhenNoUrlTemplateIsSet()
    {
        var rep = _crm.Rep("Ann");
        _crm.Deal(rep, modified: NowUtc.AddDays(-30));

        var result = await _crm.AnswerAsync(Request, rep, Now);

        Assert.Null(result.Tables[0].Rows[0].Record!.Url);
        Assert.DoesNotContain(result.Tables[0].Rows[0].Actions, a => a.Kind == RowActionKind.OpenInCrm);
    }

    [Fact]
    public async Task RunAsync_PagesTheList_AndCountsEveryStaleDeal()
    {
        var rep = _crm.Rep("Ann");
        for (var i = 0; i < 13; i++)
            _crm.Deal(rep, name: $"D{i:00}", modified: NowUtc.AddDays(-20 - i));

        var first = await _crm.AnswerAsync(Request, rep, Now);
        var second = await _crm.AnswerAsync(first.Tables[0].NextPage!, rep, Now);

        Assert.Equal("13", first.Facts[0].Value.Text);
        Assert.Equal(10, first.Tables[0].Rows.Count);
        Assert.Equal(["D02", "D01", "D00"], Names(second));
    }

    [Fact]
    public async Task RunAsync_ReturnsAnEmptyList_WhenNothingIsStale()
    {
        var rep = _crm.Rep("Ann");

        var result = await _crm.AnswerAsync(Request, rep, Now);

        Assert.Empty(result.Tables[0].Rows);
        Assert.Equal("0", result.Facts[0].Value.Text);
        Assert.Equal("$0", result.Facts[1].Value.Text);
    }
}
