using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Scheduling;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Scheduling;

/// <summary>
/// Two "instances" (dispatchers with their own contexts and connections) on one SQLite file, run at the
/// same moment; channels that fail, throttle or refuse; a crash between recording and sending.
/// </summary>
public sealed class ExactlyOnceFacts : IDisposable
{
    // Monday 2026-02-09 08:00 UTC: 09:00 in Berlin.
    private static readonly DateTimeOffset MondayNine = new(2026, 2, 9, 8, 0, 0, TimeSpan.Zero);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"crmbot-once-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = new(MondayNine);
    private readonly SchedulingWorld _world;
    private readonly NudgeOptions _options = new();

    public ExactlyOnceFacts()
    {
        using (var db = NewContext())
            db.Database.EnsureCreated();
        _world = new SchedulingWorld(NewContext, _clock);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private CrmDbContext NewContext() => DatabaseSetup.CreateSqlite($"Data Source={_path}");

    private List<User> RepsWithStaleDeals(int count)
    {
        var reps = Enumerable.Range(0, count).Select(i => _world.Rep($"Rep {i}", "Europe/Berlin")).ToList();
        foreach (var rep in reps)
            _world.Deal(rep, $"Deal of {rep.Name}", 30);
        return reps;
    }

    private async Task<int> RunInstanceAsync(IProactiveSender sender)
    {
        using var db = NewContext();
        return await _world.Dispatcher(db, _options, sender).RunAsync(CancellationToken.None);
    }

    /// <summary>A channel that waits (as one waiting out Retry-Afters would) until it is stopped.</summary>
    private sealed class WaitingSender(TimeProvider clock) : IProactiveSender
    {
        public ChatPlatform Platform => ChatPlatform.Teams;
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<SendResult> SendToUserAsync(int userId, Reply reply, CancellationToken ct)
        {
            Started.TrySetResult();
            await Task.Delay(TimeSpan.FromHours(1), clock, ct);
            return SendResult.Ok();
        }

        public Task<SendResult> SendToConversationAsync(ConversationRef conversation, Reply reply, CancellationToken ct) =>
            SendToUserAsync(0, reply, ct);
    }

    // A send that outlasts the lease would let another instance claim the row and send it again: it is stopped first.
    [Fact]
    public async Task SendAsync_StopsASendBeforeItsLeaseEnds_AndLeavesTheDeliveryToRetry()
    {
        var rep = RepsWithStaleDeals(1)[0];
        var slow = new WaitingSender(_clock);
        using var db = NewContext();
        var outbox = _world.Outbox(db, _options, slow);
        var recorded = await outbox.TryRecordAsync(new Delivery
        {
            Key = "nudge:lease", Kind = DeliveryKind.Nudge, Platform = ChatPlatform.Teams, RecipientUserId = rep.Id,
            LocalDate = DateOnly.FromDateTime(MondayNine.UtcDateTime), Status = DeliveryStatus.Pending,
        }, new Reply { Kind = ReplyKind.Nudge, Language = "en", Title = "t" }, CancellationToken.None);
        var leaseEnd = recorded!.LockedUntil!.Value;

        var sending = outbox.SendAsync(recorded.Id, CancellationToken.None);
        await slow.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _clock.Advance(TimeSpan.FromSeconds(_options.LeaseSeconds - 11));
        await Task.Delay(100);
        Assert.False(sending.IsCompleted);   // still within the lease, less its margin
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(SendStatus.TransientFailure, await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        using var check = NewContext();
        var row = await check.Deliveries.SingleAsync();
        Assert.Equal(DeliveryStatus.Pending, row.Status);
        Assert.True(_clock.GetUtcNow().UtcDateTime < leaseEnd);   // stopped while still holding the lease
        Assert.True(row.LockedUntil > leaseEnd);                  // and not claimable again before its backoff
    }

    [Fact]
    public async Task RunAsync_OnTwoInstancesAtOnce_SendsEveryRepExactlyOneDm()
    {
        var reps = RepsWithStaleDeals(20);
        var sink = new RecordingSender(ChatPlatform.Teams, _clock);

        // Each "instance" runs the tick twice (a retried job), all four at the same moment.
        var sent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => RunInstanceAsync(sink))));

        Assert.Equal(20, sent.Sum());
        Assert.Equal(reps.Select(r => r.Id).Order(), sink.ToUsers.Select(s => s.UserId).Order());
        using var db = NewContext();
        Assert.Equal(20, await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Sent));
        Assert.Equal(20, await db.NudgeItems.CountAsync());
    }

    [Theory]
    [InlineData(SendStatus.Throttled)]
    [InlineData(SendStatus.TransientFailure)]
    public async Task RunAsync_RetriesAFailedFirstSend_AndDeliversExactlyOnce(SendStatus firstAnswer)
    {
        var rep = RepsWithStaleDeals(1)[0];
        var sender = new RecordingSender(ChatPlatform.Teams, _clock)
            .Then(new SendResult(firstAnswer, RetryAfter: TimeSpan.FromSeconds(20), Error: "429 or 500"));

        await Task.WhenAll(RunInstanceAsync(sender), RunInstanceAsync(sender));
        Assert.Empty(sender.ToUsers);
        using (var db = NewContext())
        {
            var pending = await db.Deliveries.SingleAsync();
            Assert.Equal(DeliveryStatus.Pending, pending.Status);
            Assert.True(pending.LockedUntil > _world.Now, "a retry time is set, honouring Retry-After");
        }

        for (var i = 0; i < 6; i++)   // the next ticks, ten seconds apart, on both instances
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAll(RunInstanceAsync(sender), RunInstanceAsync(sender));
        }

        Assert.Equal([rep.Id], sender.ToUsers.Select(s => s.UserId));
        Assert.Equal(2, sender.Calls);
        using var check = NewContext();
        var sent = await check.Deliveries.SingleAsync();
        Assert.Equal((DeliveryStatus.Sent, 2), (sent.Status, sent.Attempts));
    }

    [Fact]
    public async Task RunAsync_WaitsForTheRetryAfterTheChannelAsked()
    {
        RepsWithStaleDeals(1);
        var sender = new RecordingSender(ChatPlatform.Teams, _clock)
            .Then(new SendResult(SendStatus.Throttled, RetryAfter: TimeSpan.FromMinutes(5)));

        await RunInstanceAsync(sender);
        _clock.Advance(TimeSpan.FromMinutes(4));
        await RunInstanceAsync(sender);
        Assert.Equal(1, sender.Calls);

        _clock.Advance(TimeSpan.FromMinutes(1));
        await RunInstanceAsync(sender);
        Assert.Equal(2, sender.Calls);
        Assert.Single(sender.ToUsers);
    }

    [Fact]
    public async Task RecoverAsync_ResendsADeliveryRecordedBeforeACrash_OnceTheLeaseRunsOut()
    {
        var rep = RepsWithStaleDeals(1)[0];
        var sender = new RecordingSender(ChatPlatform.Teams, _clock);
        // The crashed instance recorded the nudge (with its lease) and died before sending.
        using (var db = NewContext())
        {
            var plan = (await new NudgePlanner(db, _options).PlanAsync([rep], _world.Now, CancellationToken.None))[rep.Id];
            var recorded = await _world.Outbox(db, _options).TryRecordAsync(new Delivery
            {
                Key = NudgeDispatcher.KeyOf(rep.Id, plan.LocalDate), Kind = DeliveryKind.Nudge, Platform = ChatPlatform.Teams,
                RecipientUserId = rep.Id, LocalDate = plan.LocalDate,
            }, NudgeMessage.Build(plan, rep), CancellationToken.None);
            Assert.NotNull(recorded);
        }

        await Task.WhenAll(RunInstanceAsync(sender), RunInstanceAsync(sender));
        Assert.Empty(sender.ToUsers);   // still leased by the crashed instance: nobody else may send yet

        _clock.Advance(TimeSpan.FromSeconds(_options.LeaseSeconds));
        await Task.WhenAll(RunInstanceAsync(sender), RunInstanceAsync(sender));

        var dm = Assert.Single(sender.ToUsers);
        Assert.Equal(rep.Id, dm.UserId);
        Assert.Equal("Deal of Rep 0", dm.Reply.Report!.Tables[0].Rows[0].Record!.Name);   // the stored payload, intact
    }

    [Fact]
    public async Task RunAsync_SkipsAndMarksAUserWhoBlockedTheBot()
    {
        var rep = RepsWithStaleDeals(1)[0];
        var sender = new RecordingSender(ChatPlatform.Teams, _clock).Then(new SendResult(SendStatus.Unreachable, Error: "403 blocked"));

        await RunInstanceAsync(sender);
        _clock.Advance(TimeSpan.FromDays(1));
        await RunInstanceAsync(sender);

        Assert.Equal(1, sender.Calls);
        using var db = NewContext();
        Assert.Equal(MondayNine.UtcDateTime, (await db.Users.SingleAsync(u => u.Id == rep.Id)).UnreachableSince);
        var delivery = await db.Deliveries.SingleAsync();
        Assert.Equal((DeliveryStatus.Skipped, "403 blocked"), (delivery.Status, delivery.LastError));
    }

    [Fact]
    public async Task RunAsync_GivesUpAfterMaxAttempts()
    {
        RepsWithStaleDeals(1);
        var failures = Enumerable.Repeat(new SendResult(SendStatus.TransientFailure, Error: "500"), 20).ToArray();
        var sender = new RecordingSender(ChatPlatform.Teams, _clock).Then(failures);

        for (var i = 0; i < 20; i++)
        {
            await RunInstanceAsync(sender);
            _clock.Advance(TimeSpan.FromMinutes(15));
        }

        Assert.Equal(_options.MaxAttempts, sender.Calls);
        using var db = NewContext();
        Assert.Equal(DeliveryStatus.Failed, (await db.Deliveries.SingleAsync()).Status);
    }
}
