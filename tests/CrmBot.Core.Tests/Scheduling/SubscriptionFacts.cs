using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Scheduling;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Scheduling;

public sealed class SubscriptionFacts : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly SchedulingWorld _world;
    private readonly Team _north;
    private readonly Team _south;
    private readonly User _manager;
    private readonly User _rep;
    private readonly User _admin;
    private static readonly ChatContext Channel = new(ChatPlatform.Slack, "T1", "C-sales", "U-x", IsPersonal: false);
    private static readonly ChatContext Dm = new(ChatPlatform.Slack, "T1", "D-1", "U-x", IsPersonal: true);

    public SubscriptionFacts()
    {
        _world = new SchedulingWorld(_db.NewContext, new FakeTimeProvider(new DateTimeOffset(2026, 2, 10, 1, 0, 0, TimeSpan.Zero)));
        _manager = _world.Rep("Mia Manager", "Asia/Taipei", role: UserRole.Manager);
        _north = _world.Team("North", _manager.Id);
        _south = _world.Team("South");
        _rep = _world.Rep("Rex Rep", "Asia/Taipei", teamId: _north.Id);
        _admin = _world.Rep("Ada Admin", "Europe/Berlin", role: UserRole.Admin);
    }

    public void Dispose() => _db.Dispose();

    private Asker Manager => SchedulingWorld.AskerOf(_manager, [_north.Id]);

    private async Task<Reply> SendAsync(Command cmd, Asker asker, ChatContext ctx)
    {
        using var db = _db.NewContext();
        var service = new SubscriptionService(db, _world.Clock);
        return cmd switch
        {
            SubscribeCommand s => await service.HandleAsync(s, asker, ctx, CancellationToken.None),
            UnsubscribeCommand u => await service.HandleAsync(u, asker, ctx, CancellationToken.None),
            ListSubscriptionsCommand l => await service.HandleAsync(l, asker, ctx, CancellationToken.None),
            _ => throw new ArgumentException(cmd.ToString()),
        };
    }

    private static SubscribeCommand WeeklyMondayNine => new(ReportKind.Leaderboard, SubscriptionFrequency.Weekly, DayOfWeek.Monday, null, new TimeOnly(9, 0));

    [Fact]
    public async Task Subscribe_StoresTheScheduleInTheManagersTimeZone_AndConfirms()
    {
        var reply = await SendAsync(WeeklyMondayNine, Manager, Channel);

        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        Assert.Equal("Team North's leaderboard will be posted here every Monday at 09:00 (Asia/Taipei).", reply.Text);
        using var db = _db.NewContext();
        var sub = await db.ChannelSubscriptions.SingleAsync();
        Assert.Equal((ChatPlatform.Slack, "C-sales", "Leaderboard", _north.Id), (sub.Platform, sub.ConversationId, sub.Report, sub.TeamId));
        Assert.Equal((SubscriptionFrequency.Weekly, DayOfWeek.Monday, new TimeOnly(9, 0), "Asia/Taipei"), (sub.Frequency, sub.DayOfWeek, sub.TimeOfDay, sub.TimeZone));
    }

    [Fact]
    public async Task Subscribe_AnswersInChinese_WhenTypedInChinese()
    {
        var reply = await SendAsync(WeeklyMondayNine with { Language = "zh-TW" }, Manager, Channel);

        Assert.Equal("每週一 09:00（Asia/Taipei）會在這裡張貼 North 團隊排行榜。", reply.Text);
    }

    [Fact]
    public async Task Subscribe_TwiceInOneChannel_ChangesTheScheduleInsteadOfAddingAPost()
    {
        await SendAsync(WeeklyMondayNine, Manager, Channel);
        await SendAsync(new SubscribeCommand(ReportKind.Leaderboard, SubscriptionFrequency.Daily, null, null, new TimeOnly(8, 30)), Manager, Channel);

        using var db = _db.NewContext();
        var sub = await db.ChannelSubscriptions.SingleAsync();
        Assert.Equal((SubscriptionFrequency.Daily, (DayOfWeek?)null, new TimeOnly(8, 30)), (sub.Frequency, sub.DayOfWeek, sub.TimeOfDay));
    }

    // A team named "Team East" is not "Team Team East" (the reports' rule: ReportScope.TeamsLabel).
    [Fact]
    public async Task Subscribe_NamesATeamWhoseNameSaysTeamOnce()
    {
        var east = _world.Team("Team East", _manager.Id);
        var manager = SchedulingWorld.AskerOf(_manager, [east.Id]);

        var reply = await SendAsync(WeeklyMondayNine, manager, Channel);
        var list = await new SubscriptionService(_db.NewContext(), _world.Clock).HandleAsync(new ListSubscriptionsCommand(), manager, Channel, CancellationToken.None);

        Assert.StartsWith("Team East's leaderboard will be posted here", reply.Text);
        Assert.StartsWith("• Team East leaderboard:", list.Text);
    }

    // design.md 7: a team's leaderboard, and optionally its pipeline.
    [Fact]
    public async Task Subscribe_TakesThePipelineToo_AndListsItByName()
    {
        var reply = await SendAsync(WeeklyMondayNine with { Report = ReportKind.Pipeline }, Manager, Channel);
        var list = await new SubscriptionService(_db.NewContext(), _world.Clock).HandleAsync(new ListSubscriptionsCommand(), Manager, Channel, CancellationToken.None);

        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        Assert.StartsWith("Team North's pipeline will be posted here", reply.Text);
        Assert.StartsWith("• Team North pipeline:", list.Text);
        using var db = _db.NewContext();
        Assert.Equal("Pipeline", (await db.ChannelSubscriptions.SingleAsync()).Report);
    }

    [Fact]
    public async Task Subscribe_RefusesRepsDmsAndOtherManagersTeams()
    {
        var byRep = await SendAsync(WeeklyMondayNine, SchedulingWorld.AskerOf(_rep), Channel);
        var inDm = await SendAsync(WeeklyMondayNine, Manager, Dm);
        var otherTeam = await SendAsync(WeeklyMondayNine with { Team = SubjectSpec.Team("South") }, Manager, Channel);
        var forecast = await SendAsync(WeeklyMondayNine with { Report = ReportKind.Forecast }, Manager, Channel);

        Assert.Equal(ReplyKind.Refusal, byRep.Kind);
        Assert.Equal(ReplyKind.Error, inDm.Kind);
        Assert.Equal(ReplyKind.Refusal, otherTeam.Kind);
        Assert.Equal(ReplyKind.Error, forecast.Kind);
        using var db = _db.NewContext();
        Assert.Empty(await db.ChannelSubscriptions.ToListAsync());
    }

    [Fact]
    public async Task Subscribe_LetsAnAdminNameAnyTeam()
    {
        var reply = await SendAsync(WeeklyMondayNine with { Team = SubjectSpec.Team("south") }, SchedulingWorld.AskerOf(_admin), Channel);

        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        using var db = _db.NewContext();
        Assert.Equal((_south.Id, "Europe/Berlin"), await db.ChannelSubscriptions.Select(s => ValueTuple.Create(s.TeamId, s.TimeZone)).SingleAsync());
    }

    [Fact]
    public async Task UnsubscribeAndList_WorkOnThisChannelsSubscriptions()
    {
        await SendAsync(WeeklyMondayNine, Manager, Channel);
        await SendAsync(WeeklyMondayNine, Manager, Channel with { ConversationId = "C-other" });

        var listed = await SendAsync(new ListSubscriptionsCommand(), Manager, Channel);
        Assert.Equal("• Team North leaderboard: every Monday at 09:00 (Asia/Taipei)", listed.Text);

        var byRep = await SendAsync(new UnsubscribeCommand(null), SchedulingWorld.AskerOf(_rep), Channel);
        Assert.Equal(ReplyKind.Refusal, byRep.Kind);

        var stopped = await SendAsync(new UnsubscribeCommand(ReportKind.Leaderboard), Manager, Channel);
        Assert.Equal("Stopped 1 scheduled post.", stopped.Text);
        Assert.Equal("No scheduled posts.", (await SendAsync(new ListSubscriptionsCommand(), Manager, Channel)).Text);
        var inDm = await SendAsync(new ListSubscriptionsCommand(), Manager, Dm);
        Assert.Single(inDm.Text!.Split('\n'));   // the other channel's subscription is still there
    }
}
