using CrmBot.Core.Chat;
using CrmBot.Core.Chat.Handlers;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using Microsoft.EntityFrameworkCore;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using CrmBot.Core.Time;
using Microsoft.Extensions.Options;
using CrmBot.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Scheduling;

/// <summary>What becomes of nudges: the manager's weekly escalation DM and `nudge stats`.</summary>
public sealed class EscalationAndStatsFacts : IDisposable
{
    // Monday 2026-02-16 08:00 UTC: 09:00 in Berlin.
    private readonly TestDatabase _db = new();
    private readonly SchedulingWorld _world;
    private readonly RecordingSender _teams;
    private readonly User _manager;
    private readonly Team _north;
    private readonly User _rep;
    private int _deliveries;

    public EscalationAndStatsFacts()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 2, 16, 8, 0, 0, TimeSpan.Zero));
        _world = new SchedulingWorld(_db.NewContext, clock);
        _teams = new RecordingSender(ChatPlatform.Teams, clock);
        _manager = _world.Rep("Mia Manager", "Europe/Berlin", role: UserRole.Manager);
        _north = _world.Team("North", _manager.Id);
        _rep = _world.Rep("Rex Rep", "Europe/Berlin", teamId: _north.Id);
    }

    public void Dispose() => _db.Dispose();

    /// <summary>Records past nudges of a deal, one per day going back from yesterday, with the given outcomes.</summary>
    private void Nudged(User rep, Opportunity deal, params NudgeOutcome[] outcomes)
    {
        using var db = _db.NewContext();
        for (var i = 0; i < outcomes.Length; i++)
        {
            var at = _world.Now.AddDays(-(i + 1));
            db.Deliveries.Add(new Delivery
            {
                Key = $"test:{++_deliveries}", Kind = DeliveryKind.Nudge, RecipientUserId = rep.Id, Status = DeliveryStatus.Sent, CreatedAt = at,
                Items = [new NudgeItem { UserId = rep.Id, OpportunityId = deal.Id, Reason = NudgeReasons.Stale, NudgedAt = at, Outcome = outcomes[i] }],
            });
        }
        db.SaveChanges();
    }

    private async Task<int> EscalateAsync(NudgeOptions options)
    {
        using var db = _db.NewContext();
        return await new EscalationJob(db, _world.Outbox(db, options, _teams), options, _world.Clock).RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RunAsync_ListsDealsNudgedThreeTimesWithNothingLogged_ToTheManagerOnceAWeek()
    {
        var ignored = _world.Deal(_rep, "Ignored thrice", 40);
        Nudged(_rep, ignored, NudgeOutcome.None, NudgeOutcome.Ignored, NudgeOutcome.None);
        var calledSince = _world.Deal(_rep, "Called after two nudges", 40);
        Nudged(_rep, calledSince, NudgeOutcome.None, NudgeOutcome.None, NudgeOutcome.None);
        _world.Activity(_rep, 2, deal: calledSince);   // after the nudges of 2 and 3 days ago: one nudge since
        var twice = _world.Deal(_rep, "Nudged twice", 40);
        Nudged(_rep, twice, NudgeOutcome.None, NudgeOutcome.None);
        var snoozed = _world.Deal(_rep, "Snoozed once", 40);
        Nudged(_rep, snoozed, NudgeOutcome.None, NudgeOutcome.Snoozed, NudgeOutcome.None);
        var otherManager = _world.Rep("Sam South", "Europe/Berlin", role: UserRole.Manager);
        var south = _world.Team("South", otherManager.Id);
        var southRep = _world.Rep("Sue", "Europe/Berlin", teamId: south.Id);
        var southDeal = _world.Deal(southRep, "South deal", 40);
        Nudged(southRep, southDeal, NudgeOutcome.None, NudgeOutcome.None, NudgeOutcome.None);
        var options = new NudgeOptions { EscalationTeams = ["north"] };

        Assert.Equal(1, await EscalateAsync(options));
        Assert.Equal(0, await EscalateAsync(options));        // a retried job sends nothing twice
        _world.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await EscalateAsync(options));        // Tuesday: not the escalation day

        var dm = Assert.Single(_teams.ToUsers);
        Assert.Equal(_manager.Id, dm.UserId);
        var row = Assert.Single(dm.Reply.Report!.Tables[0].Rows);
        Assert.Equal(["Ignored thrice", "Rex Rep", "3"], row.Cells.Select(c => c.Text));
        Assert.Matches(@" · as of \d{4}-\d{2}-\d{2}$", dm.Reply.Report.Context);
    }

    [Fact]
    public async Task RunAsync_SendsNothing_WhenNoTeamEscalates()
    {
        var deal = _world.Deal(_rep, "Ignored thrice", 40);
        Nudged(_rep, deal, NudgeOutcome.None, NudgeOutcome.None, NudgeOutcome.None);

        Assert.Equal(0, await EscalateAsync(new NudgeOptions()));
        Assert.Empty(_teams.ToUsers);
    }

    private async Task<Reply> StatsAsync(Asker asker, PeriodSpec? period = null, int fiscalYearStartMonth = 1)
    {
        using var db = _db.NewContext();
        return await new NudgeStatsHandler(db, _world.Clock, Options.Create(new CrmOptions { FiscalYearStartMonth = fiscalYearStartMonth })).HandleAsync(new NudgeStatsCommand(period ?? PeriodSpec.Default), asker,
            new ChatContext(ChatPlatform.Teams, "t", "c", "u", IsPersonal: true), CancellationToken.None);
    }

    [Fact]
    public async Task NudgeStats_ShowsTenRepsAPage_AndItsShowMoreButtonTheRest()
    {
        // Twelve reps nudged 1 to 12 times: the busiest first, ten to a page.
        for (var i = 1; i <= 12; i++)
        {
            var rep = _world.Rep($"Rep {i:00}", "Europe/Berlin", teamId: _north.Id);
            Nudged(rep, _world.Deal(rep, $"Deal {i}", 40), Enumerable.Repeat(NudgeOutcome.ActedOn, i).ToArray());
        }
        var manager = SchedulingWorld.AskerOf(_manager, [_north.Id]);

        var first = (await StatsAsync(manager)).Report!.Tables[0];
        Assert.Equal(Enumerable.Range(3, 10).Reverse().Select(i => $"Rep {i:00}"), first.Rows.Select(r => r.Cells[0].Text));
        Assert.Equal(12, first.TotalRows);

        // The button of the table, as the engine routes it (CardVerbs.Page with the next request).
        using var db = _db.NewContext();
        var options = Options.Create(new CrmOptions());
        var pages = new ReportHandler(new ReportRunner(db, _world.Clock, options, Options.Create(new NudgeOptions())), new NudgeStatsHandler(db, _world.Clock, options));
        var next = await pages.HandleAsync(new CardAction(CardVerbs.Page, new Dictionary<string, string> { ["request"] = ReportRequestJson.Serialize(first.NextPage!) }),
            new ChatTurn(manager, new ChatContext(ChatPlatform.Teams, "t", "c", "u", IsPersonal: true), "en"), CancellationToken.None);

        var second = next.Report!.Tables[0];
        Assert.Equal(["Rep 02", "Rep 01"], second.Rows.Select(r => r.Cells[0].Text));
        Assert.Equal((10, 12), (second.Offset, second.TotalRows));
        Assert.Null(second.NextPage);

        // A Run button carrying the request (as a "which one" choice would), the same page.
        var run = await pages.RunAsync(first.NextPage!, new ChatTurn(manager, new ChatContext(ChatPlatform.Teams, "t", "c", "u", IsPersonal: true), "en"), CancellationToken.None);
        Assert.Equal(second.Rows.Select(r => r.Cells[0].Text), run.Report!.Tables[0].Rows.Select(r => r.Cells[0].Text));

        // Typed, the same page.
        var typed = Assert.IsType<NudgeStatsCommand>(CommandParser.Parse("nudge stats page 2"));
        var typedPage = (await new NudgeStatsHandler(db, _world.Clock, options).HandleAsync(typed, manager,
            new ChatContext(ChatPlatform.Teams, "t", "c", "u", IsPersonal: true), CancellationToken.None)).Report!.Tables[0];
        Assert.Equal(second.Rows.Select(r => r.Cells[0].Text), typedPage.Rows.Select(r => r.Cells[0].Text));

        // The button carries no permission: a rep who presses it (a forwarded card) is refused as when typing.
        var asRep = await pages.HandleAsync(new CardAction(CardVerbs.Page, new Dictionary<string, string> { ["request"] = ReportRequestJson.Serialize(first.NextPage!) }),
            new ChatTurn(SchedulingWorld.AskerOf(_rep, []), new ChatContext(ChatPlatform.Teams, "t", "c", "u", IsPersonal: true), "en"), CancellationToken.None);
        Assert.Equal(ReplyKind.Refusal, asRep.Kind);
        Assert.Null(asRep.Report);
    }

    [Fact]
    public async Task NudgeStats_CountsActedOnSnoozedAndIgnoredPerRep_ForTheManagersTeam()
    {
        var deal = _world.Deal(_rep, "Deal", 40);
        Nudged(_rep, deal, NudgeOutcome.ActedOn, NudgeOutcome.Snoozed, NudgeOutcome.None, NudgeOutcome.Ignored);
        var outsider = _world.Rep("Outsider", "UTC");
        Nudged(outsider, _world.Deal(outsider, "Theirs", 40), NudgeOutcome.None);

        var reply = await StatsAsync(SchedulingWorld.AskerOf(_manager, [_north.Id]));

        var row = Assert.Single(reply.Report!.Tables[0].Rows);
        Assert.Equal(["Rex Rep", "4", "1", "1", "2", "25.00%"], row.Cells.Select(c => c.Text));
        // As every report writes it (design.md: "Team North · 2017 Q3 · as of 2017-09-30").
        Assert.EndsWith($" · as of {_world.Clock.GetUtcNow():yyyy-MM-dd}", reply.Report.Context);
    }

    // A manager of one team reads them compiled; the rows are the ad-hoc query's, for any period and "ignored" cut-off.
    [Fact]
    public async Task NudgeStats_OfOneTeam_CompiledReadsTheAdHocQuerysRows()
    {
        Nudged(_rep, _world.Deal(_rep, "Deal", 40), NudgeOutcome.ActedOn, NudgeOutcome.Snoozed, NudgeOutcome.None, NudgeOutcome.Ignored, NudgeOutcome.None);
        var other = _world.Rep("Other Rep", "UTC", teamId: _north.Id);
        Nudged(other, _world.Deal(other, "Other deal", 40), NudgeOutcome.None, NudgeOutcome.ActedOn);
        var outsider = _world.Rep("Outsider", "UTC");
        Nudged(outsider, _world.Deal(outsider, "Theirs", 40), NudgeOutcome.None);
        using var db = _db.NewContext();
        var now = _world.Now;
        var seen = 0;
        foreach (var (from, to, ignoredBefore) in new[] { (now.AddDays(-30), now, now.AddDays(-1)), (now.AddDays(-3), now, now.AddDays(-2)), (now.AddDays(-10), now.AddDays(-2), now) })
        {
            var adHoc = (await NudgeStatsHandler.Stats(db, db.Users.Where(u => u.TeamId == _north.Id), from, to, ignoredBefore).ToListAsync()).OrderBy(s => s.Id).ToList();
            var compiled = await NudgeStatsHandler.OneTeam.ToListAsync(db, new NudgeStatsHandler.TeamPeriod(_north.Id, from, to, ignoredBefore), CancellationToken.None);
            Assert.Equal(adHoc, compiled.OrderBy(s => s.Id));
            seen += adHoc.Count;
        }
        Assert.True(seen > 2, "the data should give rows to compare");
    }

    [Fact]
    public async Task NudgeStats_CountsANudgeFromLessThanADayAgo_AsNotYetIgnored()
    {
        var deal = _world.Deal(_rep, "Deal", 40);
        using (var db = _db.NewContext())
        {
            db.Deliveries.Add(new Delivery
            {
                Key = "today", RecipientUserId = _rep.Id, CreatedAt = _world.Now,
                Items = [new NudgeItem { UserId = _rep.Id, OpportunityId = deal.Id, Reason = NudgeReasons.Stale, NudgedAt = _world.Now.AddHours(-1) }],
            });
            db.SaveChanges();
        }

        var reply = await StatsAsync(SchedulingWorld.AskerOf(_manager, [_north.Id]), PeriodSpec.Of(PeriodKind.Today));

        Assert.Equal(["Rex Rep", "1", "0", "0", "0", "0.00%"], Assert.Single(reply.Report!.Tables[0].Rows).Cells.Select(c => c.Text));
    }

    [Theory]
    [InlineData(PeriodKind.ThisQuarter)]
    [InlineData(PeriodKind.LastQuarter)]
    [InlineData(PeriodKind.Ytd)]
    [InlineData(PeriodKind.AllTime)]
    public async Task NudgeStats_CoversThePeriodAsked_AsEveryReportReadsIt(PeriodKind kind)
    {
        // It once knew only days, weeks and months: "nudge stats this quarter" answered the last 30 days. A fiscal year
        // starting in April shows that the setting reaches it.
        var asker = SchedulingWorld.AskerOf(_manager, [_north.Id]);
        var expected = new PeriodResolver(PeriodResolver.FindZone(asker.TimeZone), _world.Clock.GetUtcNow(), 4, Formats.For("en")).Resolve(PeriodSpec.Of(kind), kind);

        var report = (await StatsAsync(asker, PeriodSpec.Of(kind), fiscalYearStartMonth: 4)).Report!;

        Assert.Equal((expected.StartUtc, expected.EndUtc, expected.Label), (report.PeriodStart!.Value.UtcDateTime, report.PeriodEnd!.Value.UtcDateTime, report.Period));
    }

    [Fact]
    public async Task NudgeStats_SaysAPeriodHasNotStarted_RatherThanShowNoNudges()
    {
        var reply = await StatsAsync(SchedulingWorld.AskerOf(_manager), PeriodSpec.SinceDate(new DateOnly(2099, 1, 1)));

        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.Contains("starts after today", reply.Text);
        Assert.Null(reply.Report);
    }

    [Fact]
    public async Task NudgeStats_RefusesReps()
    {
        var reply = await StatsAsync(SchedulingWorld.AskerOf(_rep));

        Assert.Equal(ReplyKind.Refusal, reply.Kind);
        Assert.Null(reply.Report);
    }
}
