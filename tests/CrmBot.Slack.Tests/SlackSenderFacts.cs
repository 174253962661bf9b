using System.Collections.Concurrent;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Scheduling;
using CrmBot.Slack.Api;
using CrmBot.Slack.Blocks;
using CrmBot.Slack.Inbound;
using CrmBot.Slack.Tests.Fakes;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Slack.Tests;

public sealed class SlackSenderFacts : IAsyncLifetime
{
    private FakeSlackServer _slack = null!;
    private readonly TestDatabase _database = new();
    private static readonly Reply Nudge = new() { Kind = ReplyKind.Nudge, Language = "en", Title = "3 deals need you", Text = "Acme…" };

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        await using var db = _database.NewTrackingContext();
        var user = new User { Name = "Ann Rep", Email = "ann@example.com" };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Slack, Workspace = "T1", PlatformUserId = "U1", UserId = user.Id });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        _database.Dispose();
    }

    private SlackSender Sender(CrmDbContext db)
    {
        var api = new SlackApiClient(new HttpClient(), new SlackRateLimits(),
            Options.Create(new SlackOptions { BotToken = SlackTestHost.BotToken, ApiBaseUrl = _slack.ApiBaseUrl, MaxAttempts = 1 }),
            TimeProvider.System, NullLogger<SlackApiClient>.Instance);
        return new SlackSender(api, new SlackConversations(db, api, TimeProvider.System), new BlockKitRenderer(), NullLogger<SlackSender>.Instance);
    }

    [Fact]
    public async Task SendToUser_OpensTheDmOnce_StoresIt_AndPostsTheRenderedReply()
    {
        await using var db = _database.NewContext();
        var sender = Sender(db);

        var first = await sender.SendToUserAsync(1, Nudge, CancellationToken.None);
        var second = await sender.SendToUserAsync(1, Nudge, CancellationToken.None);

        Assert.Equal((SendStatus.Sent, SendStatus.Sent), (first.Status, second.Status));
        Assert.Single(_slack.Calls("conversations.open"));
        Assert.All(_slack.Calls("chat.postMessage"), c => Assert.Equal("DU1", c.Json!["channel"]!.GetValue<string>()));
        Assert.Equal(2, _slack.Calls("chat.postMessage").Count);
        Assert.Equal("DU1", (await db.ConversationRefs.SingleAsync(c => c.UserId == 1)).ConversationId);
    }

    [Theory]
    [InlineData(200, """{"ok":false,"error":"cannot_dm_bot"}""", SendStatus.Unreachable)]
    [InlineData(200, """{"ok":false,"error":"invalid_blocks"}""", SendStatus.PermanentFailure)]
    [InlineData(503, "down", SendStatus.TransientFailure)]
    public async Task SendToConversation_MapsSlackFailures(int status, string body, SendStatus expected)
    {
        await using var db = _database.NewContext();
        _slack.Script("chat.postMessage", status, body);
        var channel = new ConversationRef { Platform = ChatPlatform.Slack, Workspace = "T1", ConversationId = "C9", ConversationType = "channel" };

        var result = await Sender(db).SendToConversationAsync(channel, Nudge, CancellationToken.None);

        Assert.Equal(expected, result.Status);
        Assert.Equal("C9", _slack.Calls("chat.postMessage")[0].Json!["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendToUser_IsThrottled_WithSlacksRetryAfter()
    {
        await using var db = _database.NewContext();
        _slack.Script("chat.postMessage", 429, "", ("Retry-After", "90"));

        var result = await Sender(db).SendToUserAsync(1, Nudge, CancellationToken.None);

        Assert.Equal((SendStatus.Throttled, TimeSpan.FromSeconds(90)), (result.Status, result.RetryAfter));
    }

    [Fact]
    public async Task Outbox_EndsA429StormWithARecordedFailure_AndSendsNothingTwice()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        var options = new NudgeOptions();
        for (var i = 0; i < 3 * options.MaxAttempts; i++)
            _slack.Script("chat.postMessage", 429, "", ("Retry-After", "90")); // longer than the API client waits itself
        async Task<SendStatus?> TickAsync(bool first)
        {
            await using var db = _database.NewContext();
            var outbox = new DeliveryOutbox(db, [Sender(db)], options, clock, NullLogger<DeliveryOutbox>.Instance);
            if (!first)
                return await outbox.RecoverAsync(CancellationToken.None) > 0 ? SendStatus.Sent : null;
            var recorded = await outbox.TryRecordAsync(new Delivery
            {
                Key = "nudge:1:2026-11-27", Kind = DeliveryKind.Nudge, Platform = ChatPlatform.Slack, RecipientUserId = 1,
                LocalDate = new DateOnly(2026, 11, 27), Status = DeliveryStatus.Pending,
            }, Nudge, CancellationToken.None);
            return await outbox.SendAsync(recorded!.Id, CancellationToken.None);
        }

        Assert.Equal(SendStatus.Throttled, await TickAsync(first: true));
        for (var i = 0; i < 3 * options.MaxAttempts; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(89));
            var calls = _slack.Calls("chat.postMessage").Count;
            Assert.Null(await TickAsync(first: false));
            Assert.Equal(calls, _slack.Calls("chat.postMessage").Count); // Retry-After honoured
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Null(await TickAsync(first: false));
        }

        await using var check = _database.NewContext();
        var delivery = await check.Deliveries.SingleAsync();
        Assert.Equal((DeliveryStatus.Failed, options.MaxAttempts), (delivery.Status, delivery.Attempts));
        Assert.Equal(options.MaxAttempts, _slack.Calls("chat.postMessage").Count); // one post per attempt, none after giving up
    }

    [Fact]
    public async Task SendToUser_FailsPermanently_WhenTheUserHasNoSlackIdentity()
    {
        await using var db = _database.NewContext();

        var result = await Sender(db).SendToUserAsync(404, Nudge, CancellationToken.None);

        Assert.Equal(SendStatus.PermanentFailure, result.Status);
        Assert.Empty(_slack.AllCalls);
    }

    /// <summary>An API client for what SlackConversations needs (nothing is called when the DM is given).</summary>
    private SlackApiClient DirectApi() => new(new HttpClient(), new SlackRateLimits(),
        Options.Create(new SlackOptions { BotToken = SlackTestHost.BotToken, ApiBaseUrl = _slack.ApiBaseUrl, MaxAttempts = 1 }),
        TimeProvider.System, NullLogger<SlackApiClient>.Instance);

    private async Task<int> TheUserIdAsync()
    {
        await using var db = _database.NewContext();
        return await db.Users.Select(u => u.Id).SingleAsync();
    }

    // The bench sends a user's slash commands 20 ms apart: the first turns all find no DM row. Within one instance they
    // take turns, so no insert fails (EF would log each failure as an error with its stack trace).
    [Fact]
    public async Task RememberingANewDmFromManyTurnsAtOnce_StoresOneRow_WithoutAFailedInsert()
    {
        var api = DirectApi();
        var userId = await TheUserIdAsync();
        var errors = new ConcurrentQueue<string>();

        foreach (var channel in new[] { "D7", "D8", "D9" })
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                await using var db = _database.NewContextCollectingErrors(errors);
                await new SlackConversations(db, api, TimeProvider.System).RememberDirectAsync("T1", userId, "U1", channel, CancellationToken.None);
            })));

        Assert.Empty(errors);
        await using var read = _database.NewContext();
        Assert.Equal(3, await read.ConversationRefs.CountAsync(c => c.ConversationId == "D7" || c.ConversationId == "D8" || c.ConversationId == "D9"));
    }

    [Fact]
    public async Task RememberingTheSameDm_WritesOnlyWhenSomethingChangedOrTheLastUsedTimeIsStale()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        var api = DirectApi();
        var userId = await TheUserIdAsync();
        async Task<DateTime> RememberAsync(string slackUserId)
        {
            await using (var db = _database.NewContext())
                await new SlackConversations(db, api, clock).RememberDirectAsync("T1", userId, slackUserId, "D1", CancellationToken.None);
            await using var read = _database.NewContext();
            return await read.ConversationRefs.Where(c => c.ConversationId == "D1").Select(c => c.UpdatedAt).SingleAsync();
        }

        var first = await RememberAsync("U1");
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(first, await RememberAsync("U1"));
        Assert.Equal(clock.GetUtcNow().UtcDateTime, await RememberAsync("U1-renamed"));
        clock.Advance(ConversationRef.LastUsedResolution);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, await RememberAsync("U1-renamed"));
    }
}
