using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Scheduling;

public sealed class ScheduledPostFacts : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly SchedulingWorld _world;
    private readonly RecordingSender _slack;
    private static readonly TimeZoneInfo Taipei = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");

    public ScheduledPostFacts()
    {
        // Sunday 2026-02-15 00:00 UTC (08:00 in Taipei).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero));
        _world = new SchedulingWorld(_db.NewContext, clock);
        _slack = new RecordingSender(ChatPlatform.Slack, clock);
    }

    public void Dispose() => _db.Dispose();

    private static DateTime TaipeiTime(int month, int day, int hour, int minute = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(2026, month, day, hour, minute, 0), Taipei);

    private ChannelSubscription Subscribe(Team team, SubscriptionFrequency frequency = SubscriptionFrequency.Weekly)
    {
        using var db = _db.NewContext();
        db.ConversationRefs.Add(new ConversationRef
        {
            Platform = ChatPlatform.Slack, Workspace = "T1", ConversationId = "C-sales", ConversationType = "channel", UpdatedAt = _world.Now,
        });
        var sub = new ChannelSubscription
        {
            Platform = ChatPlatform.Slack, Workspace = "T1", ConversationId = "C-sales", Report = "Leaderboard", TeamId = team.Id,
            Frequency = frequency, DayOfWeek = DayOfWeek.Monday, TimeOfDay = new TimeOnly(9, 0), TimeZone = "Asia/Taipei", CreatedAt = _world.Now,
        };
        db.ChannelSubscriptions.Add(sub);
        db.SaveChanges();
        return sub;
    }

    private ScheduledPostJob Job(CrmDbContext db, RecordingSender? sender = null) =>
        new(db, sender is null ? _world.Outbox(db, new NudgeOptions()) : _world.Outbox(db, new NudgeOptions(), sender), _world.Clock,
            Options.Create(new CrmOptions()));

    private void Won(User rep, long dollars, DateTime closedUtc, OpportunityStage stage = OpportunityStage.ClosedWon) =>
        _world.Deal(rep, $"{rep.Name} {stage} {closedUtc:O}", 0, amountCents: dollars * 100, stage: stage, closedAt: closedUtc);

    [Fact]
    public async Task RunAsync_PostsTheLeaderboardOnceAtNineMondayInTheSubscriptionsZone_WithRankMovement()
    {
        var team = _world.Team("North");
        var ann = _world.Rep("Ann", "UTC", teamId: team.Id);
        var bob = _world.Rep("Bob", "UTC", teamId: team.Id);
        var cat = _world.Rep("Cat", "UTC", teamId: team.Id);
        // Previous week (Feb 2–8, Taipei): Ann 500, Bob 300, Cat nothing.
        Won(ann, 500, TaipeiTime(2, 3, 10));
        Won(bob, 300, TaipeiTime(2, 8, 23, 30));
        // Last week (Feb 9–15, Taipei): Cat 1,000 at 23:30 on Sunday; Ann 200 won and one lost; Bob nothing.
        Won(cat, 1000, TaipeiTime(2, 15, 23, 30));
        Won(ann, 200, TaipeiTime(2, 10, 12));
        Won(ann, 900, TaipeiTime(2, 11, 12), OpportunityStage.ClosedLost);
        // Monday 00:30 in Taipei already belongs to this week: not counted.
        Won(bob, 5000, TaipeiTime(2, 16, 0, 30));
        var sub = Subscribe(team);

        for (var tick = 0; tick < 4 * 48; tick++)   // two days, every 15 minutes, on two instances
        {
            foreach (var _ in new[] { 1, 2 })
            {
                using var db = _db.NewContext();
                await Job(db, _slack).RunAsync(CancellationToken.None);
            }
            _world.Clock.Advance(TimeSpan.FromMinutes(15));
        }

        var post = Assert.Single(_slack.ToConversations);
        Assert.Equal("C-sales", post.Conversation.ConversationId);
        Assert.Equal(TaipeiTime(2, 16, 9), post.At);
        var report = post.Reply.Report!;
        Assert.False(report.HasPersonalRecords);
        Assert.Equal("Team North · Feb 9, 2026 – Feb 15, 2026 · as of 2026-02-16", report.Context);
        var rows = report.Tables[0].Rows.Select(r => r.Cells.Select(c => c.Text).ToArray()).ToList();
        Assert.Equal(["1", "Cat", "1", "$1,000", "100.00%", "▲2"], rows[0]);
        Assert.Equal(["2", "Ann", "1", "$200", "50.00%", "▼1"], rows[1]);
        Assert.Equal(["3", "Bob", "0", "$0", "n/a", "▼1"], rows[2]);
        using var check = _db.NewContext();
        var delivery = await check.Deliveries.SingleAsync();
        Assert.Equal((ScheduledPostJob.KeyOf(sub.Id, new DateOnly(2026, 2, 16)), DeliveryStatus.Sent), (delivery.Key, delivery.Status));
    }

    [Fact]
    public async Task BuildAsync_RanksByTheMainCurrency_AndNeverAddsCurrenciesTogether()
    {
        var team = _world.Team("North");
        var ann = _world.Rep("Ann", "UTC", teamId: team.Id);
        var bob = _world.Rep("Bob", "UTC", teamId: team.Id);
        // Last week: Ann two deals in dollars ($300 in all), Bob one in euros (€5,000). Summed as is, Bob would lead.
        Won(ann, 100, TaipeiTime(2, 10, 12));
        Won(ann, 200, TaipeiTime(2, 11, 12));
        using (var db = _db.NewContext())
        {
            var euroDeal = _world.Deal(bob, "Bob's euro deal", 0, amountCents: 5000_00, stage: OpportunityStage.ClosedWon, closedAt: TaipeiTime(2, 12, 12));
            db.Opportunities.Where(o => o.Id == euroDeal.Id).ExecuteUpdate(u => u.SetProperty(o => o.Currency, "EUR"));
        }
        var sub = Subscribe(team);

        using var context = _db.NewContext();
        var report = (await Job(context).BuildAsync(sub, new DateOnly(2026, 2, 16), CancellationToken.None)).Report!;

        var rows = report.Tables[0].Rows.Select(r => r.Cells.Select(c => c.Text).ToArray()).ToList();
        Assert.Equal(["1", "Ann", "2", "$300"], rows[0][..4]);
        Assert.Equal(["2", "Bob", "1", "€5,000"], rows[1][..4]);
        Assert.Equal(
            ["Amounts are in several currencies (EUR, USD) and are shown per currency, never added together.", "Ranked by amounts in USD."],
            report.Notes);
    }

    [Fact]
    public async Task BuildAsync_PostsThePipelineAsTeamAggregatesOnly()
    {
        var team = _world.Team("North");
        var ann = _world.Rep("Ann", "UTC", teamId: team.Id);
        var bob = _world.Rep("Bob", "UTC", teamId: team.Id);
        _world.Deal(ann, "Ann's proposal", 1, amountCents: 300_00);
        _world.Deal(bob, "Bob's proposal", 1, amountCents: 500_00);
        _world.Deal(bob, "Bob's first call", 1, amountCents: 100_00, stage: OpportunityStage.Prospecting);
        Won(ann, 1000, TaipeiTime(1, 20, 12));
        Won(bob, 700, TaipeiTime(1, 21, 12), OpportunityStage.ClosedLost);
        var sub = Subscribe(team);
        sub.Report = "Pipeline";

        using var db = _db.NewContext();
        var reply = await Job(db).BuildAsync(sub, new DateOnly(2026, 2, 16), CancellationToken.None);

        var report = reply.Report!;
        Assert.Equal(ReportKind.Pipeline, report.Kind);
        Assert.StartsWith("Team North · ", report.Context);
        Assert.Equal(["3", "$900", "50.00%"], new[] { report.Facts[0], report.Facts[1], report.Facts[3] }.Select(f => f.Value.Text));
        var byStage = Assert.Single(report.Tables);
        Assert.Equal(["Prospecting", "1", "$100"], byStage.Rows[0].Cells.Take(3).Select(c => c.Text));
        Assert.Equal(["Proposal", "2", "$800"], byStage.Rows.Single(r => r.Cells[0].Text == "Proposal").Cells.Take(3).Select(c => c.Text));
        Assert.Null(report.Chart);
        Assert.Empty(report.Actions);
        Assert.False(report.HasPersonalRecords);
        var everything = string.Join(" ", report.Facts.Select(f => f.Value.Text).Concat(byStage.Rows.SelectMany(r => r.Cells.Select(c => c.Text))));
        Assert.DoesNotContain("Ann", everything);
        Assert.DoesNotContain("Bob", everything);
    }

    [Theory]
    [InlineData(SubscriptionFrequency.Monthly, 31, "2026-02-28", true)]    // day 31 posts on the last day of February
    [InlineData(SubscriptionFrequency.Monthly, 31, "2026-02-27", false)]
    [InlineData(SubscriptionFrequency.Weekly, null, "2026-02-16", true)]   // a Monday
    [InlineData(SubscriptionFrequency.Weekly, null, "2026-02-17", false)]
    [InlineData(SubscriptionFrequency.Daily, null, "2026-02-21", true)]
    public void DueOccurrence_FollowsTheFrequency(SubscriptionFrequency frequency, int? dayOfMonth, string localDate, bool due)
    {
        var sub = new ChannelSubscription
        {
            Workspace = "T1", ConversationId = "C", Report = "Leaderboard", Frequency = frequency, DayOfWeek = DayOfWeek.Monday,
            DayOfMonth = dayOfMonth, TimeOfDay = new TimeOnly(9, 0), TimeZone = "Asia/Taipei",
        };
        var date = DateOnly.Parse(localDate);
        var atTen = TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(new TimeOnly(10, 0)), Taipei);
        var atEight = TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(new TimeOnly(8, 0)), Taipei);

        Assert.Equal(due ? date : null, ScheduledPostJob.DueOccurrence(sub, atTen));
        Assert.Null(ScheduledPostJob.DueOccurrence(sub, atEight));
    }

    [Fact]
    public async Task BuildAsync_PostsInChinese_WhenSubscribedInChinese()
    {
        var team = _world.Team("North");
        _world.Rep("Ann", "UTC", teamId: team.Id);
        var sub = Subscribe(team);
        sub.Language = "zh-TW";

        using var db = _db.NewContext();
        var reply = await Job(db).BuildAsync(sub, new DateOnly(2026, 2, 16), CancellationToken.None);

        Assert.Equal("團隊排行榜", reply.Title);
        Assert.Equal("North 團隊 · 2026年2月9日 – 2026年2月15日 · 截至 2026年2月16日", reply.Report!.Context);
        Assert.Equal("不適用", reply.Report.Tables[0].Rows[0].Cells[4].Text);
    }
}
