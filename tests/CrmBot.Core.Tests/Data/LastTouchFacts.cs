using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Data;

// The stored last-touch columns (Opportunity.LastTouchAt, Account.LastContactAt, Lead.LastTouchAt) must follow every write that
// goes through SaveChanges; each expected value below follows from design.md section 4, not from the code.
public sealed class LastTouchFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 9, 30, 12, 0, 0, TimeSpan.Zero);
    private static DateTime NowUtc => Now.UtcDateTime;

    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public LastTouchFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private DateTime LastTouch(Opportunity deal)
    {
        using var db = _db.NewContext();
        return db.Opportunities.Where(o => o.Id == deal.Id).Select(o => o.LastTouchAt).Single();
    }

    private DateTime? LastContact(Account account)
    {
        using var db = _db.NewContext();
        return db.Accounts.Where(a => a.Id == account.Id).Select(a => a.LastContactAt).Single();
    }

    private DateTime? LeadTouch(Lead lead)
    {
        using var db = _db.NewContext();
        return db.Leads.Where(l => l.Id == lead.Id).Select(l => l.LastTouchAt).Single();
    }

    [Fact]
    public void SaveChanges_SetsLastTouchToLastModified_WhenADealIsAdded()
    {
        var rep = _crm.Rep("Ann");
        var deal = _crm.Deal(rep, modified: NowUtc.AddDays(-40));

        Assert.Equal(NowUtc.AddDays(-40), LastTouch(deal));
    }

    [Fact]
    public async Task LoggingACall_MovesTheDealOutOfStaleDeals()
    {
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep);
        var deal = _crm.Deal(rep, account: account, name: "Renewal", modified: NowUtc.AddDays(-40));
        var request = new ReportRequest(ReportKind.StaleDeals);
        Assert.Equal(["Renewal"], (await _crm.AnswerAsync(request, rep, Now)).Tables[0].Rows.Select(r => r.Cells[0].Text));

        // What the "log call" button does: one completed activity on the deal, saved through EF.
        await using (var db = _db.NewContext())
        {
            db.Activities.Add(new Activity
            {
                Type = ActivityType.Call, Status = ActivityStatus.Completed, OwnerId = rep.Id, OpportunityId = deal.Id,
                AccountId = account.Id, CreatedAt = NowUtc.AddHours(-1), CompletedAt = NowUtc.AddHours(-1),
            });
            await db.SaveChangesAsync();
        }

        Assert.Empty((await _crm.AnswerAsync(request, rep, Now)).Tables[0].Rows);
        Assert.Equal(NowUtc.AddHours(-1), LastTouch(deal));
        Assert.Equal(NowUtc.AddHours(-1), LastContact(account));
    }

    [Fact]
    public void AnActivityOnTheAccount_TouchesEveryDealOfTheAccount()
    {
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep);
        var first = _crm.Deal(rep, account: account, modified: NowUtc.AddDays(-40));
        var second = _crm.Deal(rep, account: account, modified: NowUtc.AddDays(-50));
        var elsewhere = _crm.Deal(rep, account: _crm.Account("Other", rep), modified: NowUtc.AddDays(-60));

        _crm.Activity(rep, completed: NowUtc.AddDays(-3), account: account);

        Assert.Equal(NowUtc.AddDays(-3), LastTouch(first));
        Assert.Equal(NowUtc.AddDays(-3), LastTouch(second));
        Assert.Equal(NowUtc.AddDays(-60), LastTouch(elsewhere));
        Assert.Equal(NowUtc.AddDays(-3), LastContact(account));
    }

    [Fact]
    public void AnActivityOnlyOnADeal_IsContactWithItsAccount_ButDoesNotTouchTheOtherDeals()
    {
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep);
        var touched = _crm.Deal(rep, account: account, modified: NowUtc.AddDays(-40));
        var sibling = _crm.Deal(rep, account: account, modified: NowUtc.AddDays(-50));

        _crm.Activity(rep, completed: NowUtc.AddDays(-2), deal: touched);

        Assert.Equal(NowUtc.AddDays(-2), LastTouch(touched));
        Assert.Equal(NowUtc.AddDays(-50), LastTouch(sibling));
        Assert.Equal(NowUtc.AddDays(-2), LastContact(account));
    }

    [Fact]
    public void PlannedActivities_DoNotCount_AndNeverContactedAccountsStayNull()
    {
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep);
        var deal = _crm.Deal(rep, account: account, modified: NowUtc.AddDays(-40));

        _crm.Activity(rep, due: NowUtc.AddDays(2), deal: deal, account: account);

        Assert.Equal(NowUtc.AddDays(-40), LastTouch(deal));
        Assert.Null(LastContact(account));
    }

    [Fact]
    public async Task CancellingOrDeletingTheLatestActivity_MovesTheValuesBack()
    {
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep);
        var deal = _crm.Deal(rep, account: account, modified: NowUtc.AddDays(-40));
        _crm.Activity(rep, completed: NowUtc.AddDays(-20), deal: deal);
        var latest = _crm.Activity(rep, completed: NowUtc.AddDays(-1), deal: deal, account: account);
        Assert.Equal(NowUtc.AddDays(-1), LastTouch(deal));

        await using (var db = _db.NewContext())
        {
            var activity = await db.Activities.AsTracking().SingleAsync(a => a.Id == latest.Id);
            activity.Status = ActivityStatus.Cancelled;
            await db.SaveChangesAsync();
        }
        Assert.Equal(NowUtc.AddDays(-20), LastTouch(deal));
        Assert.Equal(NowUtc.AddDays(-20), LastContact(account));

        await using (var db = _db.NewContext())
        {
            db.Activities.Remove(await db.Activities.AsTracking().SingleAsync(a => a.OpportunityId == deal.Id && a.Status == ActivityStatus.Completed));
            await db.SaveChangesAsync();
        }
        Assert.Equal(NowUtc.AddDays(-40), LastTouch(deal));
        Assert.Null(LastContact(account));
    }

    [Fact]
    public async Task MovingADealToAnotherAccount_RecomputesBothAccounts()
    {
        var rep = _crm.Rep("Ann");
        var from = _crm.Account("From", rep);
        var to = _crm.Account("To", rep);
        var deal = _crm.Deal(rep, account: from, modified: NowUtc.AddDays(-40));
        _crm.Activity(rep, completed: NowUtc.AddDays(-5), deal: deal);
        _crm.Activity(rep, completed: NowUtc.AddDays(-1), account: to);
        Assert.Equal(NowUtc.AddDays(-5), LastContact(from));

        await using (var db = _db.NewContext())
        {
            var tracked = await db.Opportunities.AsTracking().SingleAsync(o => o.Id == deal.Id);
            tracked.AccountId = to.Id;
            await db.SaveChangesAsync();
        }

        Assert.Null(LastContact(from));
        Assert.Equal(NowUtc.AddDays(-1), LastContact(to));
        Assert.Equal(NowUtc.AddDays(-1), LastTouch(deal));
    }

    [Fact]
    public async Task WorkingALead_MovesItOutOfUntouchedLeads_AndCancellingMovesItBack()
    {
        var rep = _crm.Rep("Ann");
        var lead = _crm.Lead(rep, "Web", "New", NowUtc.AddDays(-3), name: "Kim");
        var request = new ReportRequest(ReportKind.Leads);
        Assert.Null(LeadTouch(lead));
        Assert.Equal(["Kim"], (await _crm.AnswerAsync(request, rep, Now)).Tables[0].Rows.Select(r => r.Cells[0].Text));

        _crm.Activity(rep, completed: NowUtc.AddDays(-2), lead: lead);
        var latest = _crm.Activity(rep, completed: NowUtc.AddHours(-1), lead: lead);
        _crm.Activity(rep, due: NowUtc.AddDays(1), lead: lead); // planned: not a touch

        Assert.Equal(NowUtc.AddHours(-1), LeadTouch(lead));
        Assert.Empty((await _crm.AnswerAsync(request, rep, Now)).Tables[0].Rows);

        await using (var db = _db.NewContext())
        {
            (await db.Activities.AsTracking().SingleAsync(a => a.Id == latest.Id)).Status = ActivityStatus.Cancelled;
            await db.SaveChangesAsync();
        }
        Assert.Equal(NowUtc.AddDays(-2), LeadTouch(lead));

        await using (var db = _db.NewContext())
        {
            db.Activities.RemoveRange(db.Activities.AsTracking().Where(a => a.LeadId == lead.Id && a.Status == ActivityStatus.Completed));
            await db.SaveChangesAsync();
        }
        Assert.Null(LeadTouch(lead));
        Assert.Equal(["Kim"], (await _crm.AnswerAsync(request, rep, Now)).Tables[0].Rows.Select(r => r.Cells[0].Text));
    }

    [Fact]
    public async Task RecordsAddedInTheSameSaveAsTheirActivity_GetTheirValues()
    {
        var rep = _crm.Rep("Ann");
        var account = new Account { Name = "Acme", OwnerId = rep.Id, CreatedAt = NowUtc.AddDays(-90) };
        var other = new Account { Name = "Other", OwnerId = rep.Id, CreatedAt = NowUtc.AddDays(-90) };
        var deal = new Opportunity
        {
            Name = "Renewal", Account = other, OwnerId = rep.Id, Stage = OpportunityStage.Proposal, Currency = "USD",
            CreatedAt = NowUtc.AddDays(-60), LastModifiedAt = NowUtc.AddDays(-40),
        };
        await using (var db = _db.NewContext())
        {
            db.Activities.Add(new Activity
            {
                Type = ActivityType.Email, Status = ActivityStatus.Completed, OwnerId = rep.Id, Account = account,
                CreatedAt = NowUtc.AddHours(-3), CompletedAt = NowUtc.AddHours(-3),
            });
            db.Activities.Add(new Activity
            {
                Type = ActivityType.Call, Status = ActivityStatus.Completed, OwnerId = rep.Id, Opportunity = deal,
                CreatedAt = NowUtc.AddHours(-2), CompletedAt = NowUtc.AddHours(-2),
            });
            await db.SaveChangesAsync();
        }

        Assert.Equal(NowUtc.AddHours(-3), LastContact(account));
        Assert.Equal(NowUtc.AddHours(-2), LastContact(other));
        Assert.Equal(NowUtc.AddHours(-2), LastTouch(deal));
    }

    [Fact]
    public async Task AReportAsOfAnEarlierMoment_DoesNotCountWorkDoneAfterIt()
    {
        // Stored values include an activity completed a day after the report's clock; the reports must answer as of
        // their clock (design.md section 4: completed by now), through their "stored later than now" parts.
        var rep = _crm.Rep("Ann");
        var account = _crm.Account("Acme", rep, created: NowUtc.AddDays(-400));
        _crm.Deal(rep, account: account, name: "Renewal", modified: NowUtc.AddDays(-40));
        var lead = _crm.Lead(rep, "Web", "New", NowUtc.AddDays(-3), name: "Kim");
        _crm.Activity(rep, completed: NowUtc.AddDays(-35), account: account);
        _crm.Activity(rep, completed: NowUtc.AddDays(1), account: account);
        _crm.Activity(rep, completed: NowUtc.AddDays(1), lead: lead);

        var stale = await _crm.AnswerAsync(new ReportRequest(ReportKind.StaleDeals), rep, Now);
        Assert.Equal(["Renewal"], stale.Tables[0].Rows.Select(r => r.Cells[0].Text));
        Assert.Equal("1", stale.Facts[0].Value.Text);
        var neglected = await _crm.AnswerAsync(new ReportRequest(ReportKind.NeglectedCustomers), rep, Now);
        Assert.Equal(["Acme"], neglected.Tables[0].Rows.Select(r => r.Cells[0].Text));
        Assert.Equal("1", neglected.Facts[0].Value.Text);
        var leads = await _crm.AnswerAsync(new ReportRequest(ReportKind.Leads), rep, Now);
        Assert.Equal(["Kim"], leads.Tables[0].Rows.Select(r => r.Cells[0].Text));
        Assert.Equal("1", leads.Facts[3].Value.Text);

        // Two days later the same work counts.
        var later = Now.AddDays(2);
        Assert.Empty((await _crm.AnswerAsync(new ReportRequest(ReportKind.StaleDeals), rep, later)).Tables[0].Rows);
        Assert.Empty((await _crm.AnswerAsync(new ReportRequest(ReportKind.NeglectedCustomers), rep, later)).Tables[0].Rows);
        Assert.Empty((await _crm.AnswerAsync(new ReportRequest(ReportKind.Leads), rep, later)).Tables[0].Rows);
    }
}
