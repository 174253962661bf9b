using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class NeglectedCustomersFacts : IDisposable
{
    private static readonly DateTime NowUtc = CrmBuilder.Utc(2017, 9, 30, 12);
    private static readonly DateTimeOffset Now = new(NowUtc);
    private static readonly ReportRequest Request = new(ReportKind.NeglectedCustomers);
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public NeglectedCustomersFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private static IReadOnlyList<string> Names(ReportResult r) => r.Tables[0].Rows.Select(x => x.Cells[0].Text).ToList();

    [Fact]
    public async Task RunAsync_ListsOnlyActiveAccounts()
    {
        var rep = _crm.Rep("Ann");
        var open = _crm.Account("Open deal", rep);
        _crm.Deal(rep, account: open);
        var recentWin = _crm.Account("Won 300 days ago", rep);
        _crm.Won(rep, 100, NowUtc.AddDays(-300), account: recentWin);
        var oldWin = _crm.Account("Won 400 days ago", rep);
        _crm.Won(rep, 100, NowUtc.AddDays(-400), account: oldWin);
        var lostOnly = _crm.Account("Lost only", rep);
        _crm.Deal(rep, OpportunityStage.ClosedLost, account: lostOnly, closed: NowUtc.AddDays(-10));
        _crm.Account("No deals", rep);

        var result = await _crm.AnswerAsync(Request, rep, Now);

        Assert.Equal(["Open deal", "Won 300 days ago"], Names(result).Order());
    }

    [Fact]
    public async Task RunAsync_CountsFromCreation_WhenNeverContacted_AndFromTheLastActivityOtherwise()
    {
        var rep = _crm.Rep("Ann");
        var never = _crm.Account("Never contacted", rep, created: NowUtc.AddDays(-45));
        _crm.Deal(rep, account: never);
        var fresh = _crm.Account("New account", rep, created: NowUtc.AddDays(-5));
        _crm.Deal(rep, account: fresh);
        var viaDeal = _crm.Account("Called on a deal", rep, created: NowUtc.AddDays(-400));
        var deal = _crm.Deal(rep, account: viaDeal);
        _crm.Activity(rep, completed: NowUtc.AddDays(-10), deal: deal);
        var old = _crm.Account("Called 40 days ago", rep, created: NowUtc.AddDays(-400));
        _crm.Deal(rep, account: old);
        _crm.Activity(rep, completed: NowUtc.AddDays(-40), account: old);

        var result = await _crm.AnswerAsync(Request, rep, Now);

        Assert.Equal(["Never contacted", "Called 40 days ago"], Names(result));
        Assert.Equal(["never", "Aug 21, 2017"], result.Tables[0].Rows.Select(r => r.Cells[2].Text));
        Assert.Equal(["45 days", "40 days"], result.Tables[0].Rows.Select(r => r.Cells[3].Text));
    }

    [Fact]
    public async Task RunAsync_UsesTheRequestedThreshold()
    {
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep, created: NowUtc.AddDays(-400));
        _crm.Deal(rep, account: account);
        _crm.Activity(rep, completed: NowUtc.AddDays(-40), account: account);

        var over60 = await _crm.AnswerAsync(Request with { ThresholdDays = 60 }, rep, Now);
        var over30 = await _crm.AnswerAsync(Request, rep, Now);

        Assert.Empty(over60.Tables[0].Rows);
        Assert.Single(over30.Tables[0].Rows);
        Assert.Equal("Neglected customers (no contact for over 60 days)", over60.Title);
        Assert.Equal("Neglected customers (no contact for over 1 day)", (await _crm.AnswerAsync(Request with { ThresholdDays = 1 }, rep, Now)).Title);
    }

    // design.md 7: admins set the defaults; the report and the nudges then agree on what "neglected" means.
    [Fact]
    public async Task RunAsync_UsesTheAdminsDefault_WhenNoThresholdIsAsked()
    {
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep, created: NowUtc.AddDays(-400));
        _crm.Deal(rep, account: account);
        _crm.Activity(rep, completed: NowUtc.AddDays(-40), account: account);

        var over45 = await _crm.AnswerAsync(Request, rep, Now, nudges: new NudgeOptions { NeglectedDays = 45 });

        Assert.Empty(over45.Tables[0].Rows);
        Assert.Equal("Neglected customers (no contact for over 45 days)", over45.Title);
    }

    [Fact]
    public async Task RunAsync_ScopesUnownedAccounts_ByWhoOwnsTheirDeals()
    {
        var team = _crm.Team("North");
        var ann = _crm.Rep("Ann", team);
        var bob = _crm.Rep("Bob", team);
        var annsDeal = _crm.Account("Ann's customer");
        _crm.Deal(ann, account: annsDeal);
        var bobsDeal = _crm.Account("Bob's customer");
        _crm.Deal(bob, account: bobsDeal);

        var result = await _crm.AnswerAsync(Request, ann, Now);
        var manager = _crm.Manager("Mo", team);
        var managers = await _crm.AnswerAsync(Request with { Subject = SubjectSpec.MyTeam }, manager, Now);

        Assert.Equal(["Ann's customer"], Names(result));
        // Hers to act on, as the nudge about it is: log and snooze (RecordScope lets her); not her manager's.
        Assert.Equal([RowActionKind.LogCall, RowActionKind.LogEmail, RowActionKind.Snooze], result.Tables[0].Rows[0].Actions.Select(a => a.Kind));
        Assert.Equal(2, managers.Tables[0].Rows.Count);
        Assert.All(managers.Tables[0].Rows, row => Assert.Empty(row.Actions));
    }
}
