using System.Collections.Concurrent;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Scheduling;
using CrmBot.Teams.Tests.Fakes;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Teams.Tests;

/// <summary>
/// Proactive Teams deliveries (the real sender, the real outbox, real SQLite) while the Bot Connector or the
/// token endpoint on 127.0.0.1 misbehaves: 429 storms, 5xx, no answer at all, connection refused. Every send
/// is bounded, every failure is recorded and retried later through the outbox, nothing is sent twice, and the
/// log never carries the client secret. The clock is fake: outbox retry times are walked, not waited for.
/// </summary>
public sealed class ChannelFaultFacts : IAsyncLifetime
{
    private const string AppId = "00000000-1111-2222-3333-444444444444";
    private const string Tenant = "72f988bf-0000-0000-0000-2d7cd011db47";
    private const string Password = "FAKE-app-password-Fault5";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private readonly TestDatabase _db = new();
    private readonly NudgeOptions _nudges = new();
    private readonly CapturedLogs _logs = new();
    private RecordingServer _connector = null!;
    private RecordingServer? _login;

    private string ServiceUrl => _connector.BaseUrl + "/amer/";

    public async Task InitializeAsync()
    {
        _connector = await RecordingServer.StartAsync();
        _login = await StartLoginAsync("http://127.0.0.1:0");
    }

    public async Task DisposeAsync()
    {
        await _connector.DisposeAsync();
        if (_login is not null) await _login.DisposeAsync();
        _db.Dispose();
    }

    private static Task<RecordingServer> StartLoginAsync(string url) => RecordingServer.StartAsync(
        _ => FakeResponse.Json("""{"token_type":"Bearer","expires_in":3600,"access_token":"issued-token"}"""), url);

    private ServiceProvider Services(string tokenEndpoint, string httpTimeout = "00:00:15") =>
        new ServiceCollection()
            .AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<TimeProvider>(_time)
            .AddCrmDatabase(new DatabaseOptions { ConnectionString = _db.ConnectionString })
            .AddTeamsChannel(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Teams:MicrosoftAppId"] = AppId,
                ["Teams:MicrosoftAppPassword"] = Password,
                ["Teams:MicrosoftAppTenantId"] = Tenant,
                ["Teams:TokenEndpointBase"] = tokenEndpoint,
                ["Teams:RetryBaseDelay"] = "00:00:00",
                ["Teams:HttpTimeout"] = httpTimeout,
            }).Build())
            .BuildServiceProvider();

    /// <summary>One outbox pass as a job tick runs it: record and send a new delivery, or retry what is due.</summary>
    private async Task<int> TickAsync(ServiceProvider services, Func<DeliveryOutbox, Task<int>> work)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var outbox = new DeliveryOutbox(db, scope.ServiceProvider.GetServices<IProactiveSender>(), _nudges, _time,
            scope.ServiceProvider.GetRequiredService<ILogger<DeliveryOutbox>>());
        return await work(outbox);
    }

    private Task<int> RecordAndSendAsync(ServiceProvider services, int userId) => TickAsync(services, async outbox =>
    {
        var delivery = await outbox.TryRecordAsync(new Delivery
        {
            Key = $"nudge:{userId}:2026-11-27", Kind = DeliveryKind.Nudge, Platform = ChatPlatform.Teams, RecipientUserId = userId,
            LocalDate = new DateOnly(2026, 11, 27), Status = DeliveryStatus.Pending,
        }, new Reply { Kind = ReplyKind.Nudge, Language = "en", Title = "Deals to look at", Text = "3 stale deals" }, CancellationToken.None);
        return await outbox.SendAsync(delivery!.Id, CancellationToken.None) == SendStatus.Sent ? 1 : 0;
    });

    private Task<int> RetryDueAsync(ServiceProvider services) => TickAsync(services, outbox => outbox.RecoverAsync(CancellationToken.None));

    private async Task<Delivery> DeliveryAsync()
    {
        await using var db = _db.NewContext();
        return await db.Deliveries.SingleAsync();
    }

    private IReadOnlyList<RecordedRequest> Sends => _connector.Requests.Where(r => r.Path.EndsWith("/activities")).ToList();

    [Fact]
    public async Task Outbox_EndsA429StormWithARecordedFailure_HonouringEachRetryAfter()
    {
        await using var services = Services(_login!.BaseUrl);
        var userId = await SeedUserWithChatAsync();
        // Longer than Teams:MaxRetryAfter (30 s): not waited for inside the call, handed back to the outbox.
        _connector.Respond = _ => new FakeResponse(429, """{"error":{"code":"TooManyRequests"}}""", new Dictionary<string, string> { ["Retry-After"] = "60" });

        Assert.Equal(0, await RecordAndSendAsync(services, userId));
        for (var tick = 0; tick < 3 * _nudges.MaxAttempts; tick++)
        {
            var before = Sends.Count;
            _time.Advance(TimeSpan.FromSeconds(59));
            await RetryDueAsync(services);
            Assert.Equal(before, Sends.Count); // Retry-After not over yet: nothing sent
            _time.Advance(TimeSpan.FromSeconds(1));
            await RetryDueAsync(services);
        }

        var delivery = await DeliveryAsync();
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Contains("429", delivery.LastError);
        Assert.Equal(_nudges.MaxAttempts, Sends.Count); // one request per attempt, then it stops
    }

    [Fact]
    public async Task Outbox_DeliversExactlyOnce_AfterServerErrorsAndBoundedRetries()
    {
        await using var services = Services(_login!.BaseUrl);
        var userId = await SeedUserWithChatAsync();
        var sends = 0;
        // Attempt 1: 500 (not retried in the call). Attempt 2: 503 on the first try and all 3 bounded retries. Attempt 3: accepted.
        _connector.Respond = _ => Interlocked.Increment(ref sends) switch
        {
            1 => new FakeResponse(500),
            <= 5 => new FakeResponse(503),
            _ => FakeResponse.Json("""{"id":"delivered"}"""),
        };

        Assert.Equal(0, await RecordAndSendAsync(services, userId));
        var delivered = 0;
        for (var tick = 0; tick < 20; tick++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            delivered += await RetryDueAsync(services);
        }

        Assert.Equal(1, delivered);
        Assert.Equal(6, Sends.Count);   // 1 + (1 + Teams:MaxRetries) + 1, and nothing after the success
        var delivery = await DeliveryAsync();
        Assert.Equal((DeliveryStatus.Sent, 3), (delivery.Status, delivery.Attempts));
    }

    [Fact]
    public async Task Send_FailsWithinTheHttpTimeout_WhenTheConnectorNeverAnswers_AndTheOutboxRetriesLater()
    {
        await using var services = Services(_login!.BaseUrl, httpTimeout: "00:00:01");
        var userId = await SeedUserWithChatAsync();
        var hang = new TaskCompletionSource();
        _connector.Stall = (r, ct) => r.Path.EndsWith("/activities") ? hang.Task.WaitAsync(ct) : Task.CompletedTask;

        // Bounded by Teams:HttpTimeout (1 s); without it HttpClient would wait 100 s and this wait would fail.
        Assert.Equal(0, await RecordAndSendAsync(services, userId).WaitAsync(TimeSpan.FromSeconds(30)));
        var pending = await DeliveryAsync();
        Assert.Equal(DeliveryStatus.Pending, pending.Status);
        Assert.NotNull(pending.LastError);

        hang.SetResult(); // the connector answers again
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await RetryDueAsync(services));
        Assert.Equal(DeliveryStatus.Sent, (await DeliveryAsync()).Status);
    }

    public static TheoryData<string> TokenOutages => ["refused", "500", "slow"];

    [Theory]
    [MemberData(nameof(TokenOutages))]
    public async Task Send_FailsCleanlyAndIsRetriedLater_WhenTheTokenEndpointIsDown_ThenRecovers(string outage)
    {
        var port = FixedPort.Pick();
        var loginUrl = $"http://127.0.0.1:{port}";
        await _login!.DisposeAsync();
        _login = null;
        var hang = new TaskCompletionSource();
        if (outage != "refused")
        {
            _login = await RecordingServer.StartAsync(_ => hang.Task.IsCompleted
                ? FakeResponse.Json("""{"token_type":"Bearer","expires_in":3600,"access_token":"issued-token"}""")
                : new FakeResponse(500, $$"""{"error":"temporarily_unavailable","error_description":"AADSTS90033 echo client_secret={{Password}}"}"""), loginUrl);
            if (outage == "slow")
                _login.Stall = (_, ct) => hang.Task.WaitAsync(ct);
        }
        await using var services = Services(loginUrl, httpTimeout: "00:00:01");
        var userId = await SeedUserWithChatAsync();

        Assert.Equal(0, await RecordAndSendAsync(services, userId).WaitAsync(TimeSpan.FromSeconds(30)));
        var pending = await DeliveryAsync();
        Assert.Equal((DeliveryStatus.Pending, 1), (pending.Status, pending.Attempts));
        Assert.Empty(Sends); // no token, no send

        // The endpoint is back (the same address: restarted, or answering again).
        hang.SetResult();
        _login ??= await StartLoginAsync(loginUrl);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await RetryDueAsync(services));
        Assert.Equal(DeliveryStatus.Sent, (await DeliveryAsync()).Status);
        Assert.Equal("Bearer issued-token", Assert.Single(Sends).Header("Authorization"));

        Assert.Contains(_logs.Lines, l => l.Contains("Delivery nudge:") && l.Contains("TransientFailure"));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(Password, StringComparison.Ordinal) || l.Contains(Uri.EscapeDataString(Password), StringComparison.Ordinal));
    }

    /// <summary>A CRM user with a stored 1:1 Teams chat on the fake connector.</summary>
    private async Task<int> SeedUserWithChatAsync()
    {
        await using var db = _db.NewTrackingContext();
        var user = new User { Name = "Ada", Email = "ada@example.com" };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Teams, Workspace = Tenant, PlatformUserId = "29:ada", UserId = user.Id });
        db.ConversationRefs.Add(new ConversationRef
        {
            Platform = ChatPlatform.Teams, Workspace = Tenant, ConversationId = "a:ada-1to1", ConversationType = "personal",
            ServiceUrl = ServiceUrl, ChannelId = "msteams", BotId = "28:" + AppId, UserId = user.Id, PlatformUserId = "29:ada",
        });
        await db.SaveChangesAsync();
        return user.Id;
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public IReadOnlyCollection<string> Lines => _lines.ToArray();
        public ILogger CreateLogger(string category) => new Logger(_lines, category);
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel level) => true;
            public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> format) =>
                lines.Enqueue($"{level} {category}: {format(state, e)} {e}");
        }
    }
}
