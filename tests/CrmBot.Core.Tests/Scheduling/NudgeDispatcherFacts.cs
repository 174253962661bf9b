using CrmBot.Core.Chat.Handlers;
using System.Globalization;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Scheduling;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Scheduling;

/// <summary>Walks a week on a fake clock, ticking the job every 15 minutes as the recurring job would.</summary>
public sealed class NudgeDispatcherFacts : IDisposable
{
    // Sunday 2026-02-08 00:00 UTC: before Monday has begun anywhere in the three zones. No DST change that week.
    private static readonly DateTimeOffset WeekStart = new(2026, 2, 8, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromMinutes(15);

    private readonly TestDatabase _db = new();
    private readonly SchedulingWorld _world;
    private readonly RecordingSender _teams;

    public NudgeDispatcherFacts()
    {
        var clock = new FakeTimeProvider(WeekStart);
        _world = new SchedulingWorld(_db.NewContext, clock);
        _teams = new RecordingSender(ChatPlatform.Teams, clock);
    }

    public void Dispose() => _db.Dispose();

    private async Task WalkAsync(NudgeOptions options, TimeSpan length, Func<DateTime, Task>? afterTick = null)
    {
        var end = _world.Clock.GetUtcNow() + length;
        while (_world.Clock.GetUtcNow() < end)
        {
            using (var db = _db.NewContext())
                await _world.Dispatcher(db, options, _teams).RunAsync(CancellationToken.None);
            if (afterTick is not null)
                await afterTick(_world.Now);
            _world.Clock.Advance(Tick);
        }
    }

    [Fact]
    public async Task RunAsync_SendsOneDmPerWorkingDayAtNineLocal_InTaipeiBerlinAndNewYork()
    {
        var options = new NudgeOptions { ReNudgeIntervalDays = 1 };
        var zones = new[] { "Asia/Taipei", "Europe/Berlin", "America/New_York" };
        var reps = zones.Select(z => _world.Rep($"Rep {z.Split('/')[1]}", z)).ToList();
        foreach (var rep in reps)
            _world.Deal(rep, $"Deal of {rep.Name}", 30);
        // Wants 21:00, inside the default quiet hours (20:00–07:00): never nudged.
        var nightOwl = _world.Rep("Night Owl", "Asia/Taipei", configure: u => u.NudgeTime = new TimeOnly(21, 0));
        _world.Deal(nightOwl, "Night deal", 30);

        await WalkAsync(options, TimeSpan.FromDays(8));

        foreach (var rep in reps)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(rep.TimeZone);
            var local = _teams.ToUsers.Where(s => s.UserId == rep.Id).Select(s => TimeZoneInfo.ConvertTimeFromUtc(s.At, zone)).ToList();
            Assert.Equal(
                [new DateOnly(2026, 2, 9), new DateOnly(2026, 2, 10), new DateOnly(2026, 2, 11), new DateOnly(2026, 2, 12), new DateOnly(2026, 2, 13)],
                local.Select(DateOnly.FromDateTime));
            Assert.All(local, t => Assert.InRange(TimeOnly.FromDateTime(t), new TimeOnly(9, 0), new TimeOnly(9, 14)));
        }
        Assert.DoesNotContain(_teams.ToUsers, s => s.UserId == nightOwl.Id);
        Assert.Equal(15, _teams.ToUsers.Count);
    }

    [Fact]
    public async Task RunAsync_LeavesOutSnoozedAndRecentlyNudgedItems_AndADealWithALoggedCall()
    {
        var options = new NudgeOptions();   // re-nudge interval: 3 days
        var rep = _world.Rep("Berta Berlin", "Europe/Berlin");
        var called = _world.Deal(rep, "Called on Monday", 40);
        _world.Deal(rep, "Left alone", 30);
        var snoozed = _world.Deal(rep, "Snoozed until Wednesday", 50);
        using (var db = _db.NewContext())
            await new SnoozeHandler(db, new RecordScope(db), _world.Clock).HandleAsync(
                new CardAction(CardVerbs.Snooze, new Dictionary<string, string>
                {
                    ["opportunityId"] = snoozed.Id.ToString(CultureInfo.InvariantCulture), ["until"] = "2026-02-11", ["reason"] = "champion on holiday",
                }), ButtonPress(rep), CancellationToken.None);

        var callLogged = false;
        await WalkAsync(options, TimeSpan.FromDays(6), async now =>
        {
            // Monday 10:00 in Berlin: the rep presses "log a call" on the nudge.
            if (!callLogged && now >= new DateTime(2026, 2, 9, 9, 0, 0, DateTimeKind.Utc))
            {
                callLogged = true;
                using var db = _db.NewContext();
                await new LogActivityHandler(db, new RecordScope(db), _world.Clock).HandleAsync(
                    new CardAction(CardVerbs.LogActivity, new Dictionary<string, string>
                    {
                        ["type"] = "call", ["opportunityId"] = called.Id.ToString(CultureInfo.InvariantCulture), ["notes"] = "talked pricing",
                    }), ButtonPress(rep), CancellationToken.None);
            }
        });

        var byDay = _teams.ToUsers.ToDictionary(
            s => DateOnly.FromDateTime(s.At),
            s => s.Reply.Report!.Tables[0].Rows.Select(r => r.Record!.Name).Order().ToList());
        Assert.Equal(["Called on Monday", "Left alone"], byDay[new DateOnly(2026, 2, 9)]);     // snoozed one absent
        Assert.False(byDay.ContainsKey(new DateOnly(2026, 2, 10)));                             // both nudged yesterday
        Assert.Equal(["Snoozed until Wednesday"], byDay[new DateOnly(2026, 2, 11)]);            // snooze over
        Assert.Equal(["Left alone"], byDay[new DateOnly(2026, 2, 12)]);                         // the called deal is no longer stale
        Assert.False(byDay.ContainsKey(new DateOnly(2026, 2, 13)));

        using var check = _db.NewContext();
        var outcomes = await check.NudgeItems.Where(n => n.OpportunityId == called.Id).Select(n => n.Outcome).ToListAsync();
        Assert.Equal([NudgeOutcome.ActedOn], outcomes);
        var activity = await check.Activities.SingleAsync(a => a.OpportunityId == called.Id);
        Assert.Equal((ActivityStatus.Completed, "talked pricing"), (activity.Status, activity.Notes));
        // Tuesday and Friday had nothing to say: recorded as skipped so the job does not plan them again that day.
        Assert.Equal(2, await check.Deliveries.CountAsync(d => d.RecipientUserId == rep.Id && d.Status == DeliveryStatus.Skipped));
    }

    [Fact]
    public async Task RunAsync_SendsNothing_ToUsersWithNudgesOffOrUnreachableOrOnAChannelWithoutSender()
    {
        var off = _world.Rep("Off", "UTC", configure: u => u.NudgesEnabled = false);
        var gone = _world.Rep("Gone", "UTC", configure: u => u.UnreachableSince = new DateTime(2026, 1, 1));
        var slackOnly = _world.Rep("Slack only", "UTC", platform: ChatPlatform.Slack);
        var on = _world.Rep("On", "UTC");
        foreach (var u in new[] { off, gone, slackOnly, on })
            _world.Deal(u, $"Deal {u.Name}", 30);

        await WalkAsync(new NudgeOptions(), TimeSpan.FromDays(2));

        Assert.Equal([on.Id], _teams.ToUsers.Select(s => s.UserId));
    }

    [Fact]
    public async Task RunAsync_HonoursPersonalWorkingDaysAndNudgeTime()
    {
        var saturdayWorker = _world.Rep("Sat Worker", "Asia/Taipei", configure: u =>
        {
            u.WorkingDaysMask = NudgeOptions.MaskOf([DayOfWeek.Saturday]);
            u.NudgeTime = new TimeOnly(8, 30);
        });
        _world.Deal(saturdayWorker, "Deal", 30);

        await WalkAsync(new NudgeOptions(), TimeSpan.FromDays(8));

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");
        var sent = Assert.Single(_teams.ToUsers);
        Assert.Equal(new DateTime(2026, 2, 14, 8, 30, 0), TimeZoneInfo.ConvertTimeFromUtc(sent.At, zone));
    }

    /// <summary>The rep pressing a button on their nudge DM: the same handlers as on Teams and Slack.</summary>
    private static ChatTurn ButtonPress(User rep) =>
        new(SchedulingWorld.AskerOf(rep), new ChatContext(ChatPlatform.Teams, "tenant", "dm", "29:rep", IsPersonal: true), "en");
}
