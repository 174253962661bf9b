using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Teams.Connector;
using CrmBot.Teams.Tests.Fakes;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Teams.Tests;

/// <summary>
/// The outbound side against a fake Bot Connector and a fake token endpoint, both real HTTP servers on
/// 127.0.0.1 that record what they receive. The clock is fake so waits (Retry-After, token expiry) are exact.
/// </summary>
public sealed class ConnectorClientFacts : IAsyncLifetime
{
    private const string AppId = "00000000-1111-2222-3333-444444444444";
    private const string Tenant = "72f988bf-0000-0000-0000-2d7cd011db47";
    private readonly WatchedTimeProvider _time = new();
    private readonly TestDatabase _db = new();
    private RecordingServer _connector = null!;
    private RecordingServer _login = null!;
    private ServiceProvider _services = null!;
    private int _tokensIssued;

    private string ServiceUrl => _connector.BaseUrl + "/amer/";

    public async Task InitializeAsync()
    {
        _connector = await RecordingServer.StartAsync();
        _login = await RecordingServer.StartAsync(_ => FakeResponse.Json(
            $$"""{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"token-{{Interlocked.Increment(ref _tokensIssued)}}"}"""));
        _services = Services(tenant: "");
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _connector.DisposeAsync();
        await _login.DisposeAsync();
        _db.Dispose();
    }

    private ServiceProvider Services(string tenant, string retryBaseDelay = "00:00:00")
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Teams:MicrosoftAppId"] = AppId,
            ["Teams:MicrosoftAppPassword"] = "s3cret",
            ["Teams:MicrosoftAppTenantId"] = tenant,
            ["Teams:TokenEndpointBase"] = _login.BaseUrl,
            ["Teams:RetryBaseDelay"] = retryBaseDelay,
        }).Build();
        return new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time)
            .AddCrmDatabase(new DatabaseOptions { ConnectionString = _db.ConnectionString })
            .AddTeamsChannel(config).BuildServiceProvider();
    }

    private ConnectorClient Client => _services.GetRequiredService<ConnectorClient>();

    private static Activity Card(string title) => new()
    {
        Type = "message",
        Attachments = [ActivityFactory.CardAttachment(new JsonObject { ["type"] = "AdaptiveCard", ["version"] = "1.5", ["body"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = title }) })],
    };

    [Fact]
    public async Task ReplyToActivity_PostsUnderTheServiceUrlPath_WithEscapedIdsAndBearerToken()
    {
        const string conversation = "19:abc@thread.tacv2;messageid=1700000000000";
        const string activityId = "1700000000001";

        var id = await Client.ReplyToActivityAsync(ServiceUrl, conversation, activityId, Card("hello"), CancellationToken.None);

        var request = Assert.Single(_connector.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/amer/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D1700000000000/activities/1700000000001", request.RawTarget);
        Assert.Equal("Bearer token-1", request.Header("Authorization"));
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)request.Json!["attachments"]![0]!["contentType"]);
        Assert.Equal("hello", (string?)request.Json!["attachments"]![0]!["content"]!["body"]![0]!["text"]);
        Assert.Equal("1", id);
    }

    [Fact]
    public async Task ACardIsSentWithItsTextAsCharacters_NotAsEscapes()
    {
        // Teams limits a message's size: a Chinese card written as \uXXXX would be about three times what it was measured at.
        await Client.SendToConversationAsync(ServiceUrl, "a:1", Card("本季流失商機 <Q4> & 'x'"), CancellationToken.None);

        var request = Assert.Single(_connector.Requests);
        Assert.Contains("本季流失商機 <Q4> & 'x'", request.Body);
        Assert.Equal("本季流失商機 <Q4> & 'x'", (string?)request.Json!["attachments"]![0]!["content"]!["body"]![0]!["text"]);
    }

    [Fact]
    public async Task SendToConversation_JoinsServiceUrlWithoutTrailingSlash()
    {
        await Client.SendToConversationAsync(_connector.BaseUrl + "/emea", "a:1", Card("x"), CancellationToken.None);
        Assert.Equal("/emea/v3/conversations/a%3A1/activities", Assert.Single(_connector.Requests).RawTarget);
    }

    [Fact]
    public async Task Token_IsRequestedFromMultiTenantAuthority_WithClientCredentials()
    {
        await Client.SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None);

        var request = Assert.Single(_login.Requests);
        Assert.Equal("/botframework.com/oauth2/v2.0/token", request.Path);
        var form = request.Body.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(AppId, form["client_id"]);
        Assert.Equal("s3cret", form["client_secret"]);
        Assert.Equal("https://api.botframework.com/.default", form["scope"]);
    }

    [Fact]
    public async Task Token_IsRequestedFromTheTenant_WhenSingleTenant()
    {
        await using var singleTenant = Services(Tenant);
        await singleTenant.GetRequiredService<ConnectorClient>().SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None);
        Assert.Equal($"/{Tenant}/oauth2/v2.0/token", Assert.Single(_login.Requests).Path);
    }

    [Fact]
    public async Task Token_IsCachedAcrossCalls_AndRefreshedBeforeExpiry()
    {
        for (var i = 0; i < 3; i++)
            await Client.SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None);
        Assert.Single(_login.Requests);

        // expires_in is 3600 s; the provider renews 5 minutes early.
        _time.Advance(TimeSpan.FromSeconds(3600) - BotTokenProvider.RefreshMargin);
        await Client.SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None);

        Assert.Equal(2, _login.Requests.Count);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2"], _connector.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Token_IsFetchedOnce_WhenManyCallsStartTogether()
    {
        _login.Respond = _ =>
        {
            Thread.Sleep(300); // keep the first fetch in flight while the others arrive
            return FakeResponse.Json("""{"token_type":"Bearer","expires_in":3600,"access_token":"slow-token"}""");
        };
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Client.SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None)));

        Assert.Single(_login.Requests);
        Assert.All(_connector.Requests, r => Assert.Equal("Bearer slow-token", r.Header("Authorization")));
    }

    [Fact]
    public async Task Send_WaitsForRetryAfter_When429()
    {
        var calls = 0;
        _connector.Respond = _ => Interlocked.Increment(ref calls) == 1
            ? new FakeResponse(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", new Dictionary<string, string> { ["Retry-After"] = "2" })
            : FakeResponse.Json("""{"id":"sent"}""");

        var send = Client.SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None);
        await _time.WaitForDelayAsync(TimeSpan.FromSeconds(2));

        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(send.IsCompleted);
        Assert.Single(_connector.Requests);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("sent", await send.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, _connector.Requests.Count);
    }

    [Fact]
    public async Task Send_RetriesTransientFailures_ThenSucceeds()
    {
        var calls = 0;
        _connector.Respond = _ => Interlocked.Increment(ref calls) switch
        {
            1 => new FakeResponse(503),
            2 => new FakeResponse(412),
            _ => FakeResponse.Json("""{"id":"third-time"}"""),
        };
        Assert.Equal("third-time", await Client.SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None));
        Assert.Equal(3, _connector.Requests.Count);
    }

    [Fact]
    public async Task Send_GivesUpAfterBoundedRetries()
    {
        _connector.Respond = _ => new FakeResponse(502);
        var e = await Assert.ThrowsAsync<ConnectorException>(() => Client.SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None));
        Assert.Equal(502, e.StatusCode);
        Assert.Equal(1 + 3, _connector.Requests.Count); // first attempt + Teams:MaxRetries (default 3)
    }

    [Fact]
    public async Task Send_DoesNotRetry_WhenBadRequest()
    {
        _connector.Respond = _ => new FakeResponse(400, """{"error":{"code":"BadArgument","message":"no"}}""");
        var e = await Assert.ThrowsAsync<ConnectorException>(() => Client.SendToConversationAsync(ServiceUrl, "a:1", Card("x"), CancellationToken.None));
        Assert.Equal("BadArgument", e.ErrorCode);
        Assert.Single(_connector.Requests);
    }

    [Fact]
    public async Task UpdateActivity_PutsTheNewCardAtTheActivity()
    {
        await Client.UpdateActivityAsync(ServiceUrl, "a:1", "1:card", Card("updated"), CancellationToken.None);
        var request = Assert.Single(_connector.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/amer/v3/conversations/a%3A1/activities/1%3Acard", request.RawTarget);
        Assert.Equal("updated", (string?)request.Json!["attachments"]![0]!["content"]!["body"]![0]!["text"]);
    }

    [Fact]
    public async Task GetMember_ReadsEmailAndObjectId()
    {
        _connector.Respond = _ => FakeResponse.Json("""{"id":"29:1","name":"Ada","objectId":"aad-1","email":"ada@example.com","userPrincipalName":"ada@example.com","tenantId":"t","userRole":"user"}""");
        var member = await Client.GetMemberAsync(ServiceUrl, "19:team@thread.tacv2", "29:1", CancellationToken.None);
        Assert.Equal("ada@example.com", member?.Email);
        Assert.Equal("aad-1", member?.ObjectId);
        Assert.Equal("/amer/v3/conversations/19%3Ateam%40thread.tacv2/members/29%3A1", Assert.Single(_connector.Requests).RawTarget);
    }

    [Fact]
    public async Task SendToUser_CreatesThe1To1ConversationOnce_ThenSends()
    {
        var userId = await SeedLinkedUserAsync();
        _connector.Respond = r => r.Path == "/amer/v3/conversations" ? FakeResponse.Json("""{"id":"a:new-1to1"}""") : FakeResponse.Json("""{"id":"m1"}""");

        var first = await SendToUserAsync(userId);
        var second = await SendToUserAsync(userId);

        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(SendStatus.Sent, second.Status);
        var requests = _connector.Requests;
        Assert.Equal(["POST /amer/v3/conversations", "POST /amer/v3/conversations/a%3Anew-1to1/activities", "POST /amer/v3/conversations/a%3Anew-1to1/activities"],
            requests.Select(r => r.Method + " " + r.RawTarget));
        var create = requests[0].Json!;
        Assert.Equal("28:" + AppId, (string?)create["bot"]!["id"]);
        Assert.Equal("29:ada", (string?)create["members"]![0]!["id"]);
        Assert.Equal(Tenant, (string?)create["channelData"]!["tenant"]!["id"]);
        Assert.Equal(Tenant, (string?)create["tenantId"]);
        Assert.False((bool)create["isGroup"]!);
        Assert.Equal(Tenant, (string?)requests[1].Json!["channelData"]!["tenant"]!["id"]);
        await using var db = _db.NewContext();
        Assert.Equal(userId, (await db.ConversationRefs.SingleAsync(r => r.ConversationId == "a:new-1to1")).UserId);
    }

    // An install (personal scope) stores the chat before the user is linked: no CRM user on the row, only their Teams id.
    [Fact]
    public async Task SendToUser_SendsToThe1To1ChatStoredAtInstall_WithoutCreatingOne()
    {
        var userId = await SeedLinkedUserAsync();
        await StorePersonalChatAsync("a:installed", platformUserId: "29:ada");
        _connector.Respond = _ => FakeResponse.Json("""{"id":"m1"}""");

        var result = await SendToUserAsync(userId);

        Assert.Equal(SendStatus.Sent, result.Status);
        Assert.Equal(["POST /amer/v3/conversations/a%3Ainstalled/activities"], _connector.Requests.Select(r => r.Method + " " + r.RawTarget));
    }

    // Teams answers "create" with the existing 1:1 chat; when that one is stored already, it is used, not inserted twice.
    [Fact]
    public async Task SendToUser_SendsToTheChatTeamsReturns_WhenItIsStoredAlready()
    {
        var userId = await SeedLinkedUserAsync();
        await StorePersonalChatAsync("a:existing", platformUserId: null);
        _connector.Respond = r => r.Path == "/amer/v3/conversations" ? FakeResponse.Json("""{"id":"a:existing"}""") : FakeResponse.Json("""{"id":"m1"}""");

        var result = await SendToUserAsync(userId);

        Assert.Equal(SendStatus.Sent, result.Status);
        Assert.Equal("POST /amer/v3/conversations/a%3Aexisting/activities", _connector.Requests[^1].Method + " " + _connector.Requests[^1].RawTarget);
        await using var db = _db.NewContext();
        var stored = Assert.Single(await db.ConversationRefs.Where(r => r.ConversationId == "a:existing").ToListAsync());
        Assert.Equal((userId, "29:ada"), (stored.UserId, stored.PlatformUserId));   // found directly next time
    }

    private async Task StorePersonalChatAsync(string conversationId, string? platformUserId)
    {
        await using var db = _db.NewTrackingContext();
        db.ConversationRefs.Add(new ConversationRef
        {
            Platform = ChatPlatform.Teams, Workspace = Tenant, ConversationId = conversationId, ConversationType = "personal",
            ServiceUrl = ServiceUrl, ChannelId = "msteams", BotId = "28:" + AppId, PlatformUserId = platformUserId,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task SendToUser_MarksUserUnreachable_WhenTeamsBlocksWrites()
    {
        var userId = await SeedLinkedUserAsync();
        _connector.Respond = r => r.Path == "/amer/v3/conversations"
            ? FakeResponse.Json("""{"id":"a:blocked"}""")
            : new FakeResponse(403, """{"error":{"code":"Forbidden","message":"Thread is blocked from message writes.","subCode":"MessageWritesBlocked"}}""");

        var result = await SendToUserAsync(userId);

        Assert.Equal(SendStatus.Unreachable, result.Status);
        Assert.Single(_connector.Requests, r => r.RawTarget.EndsWith("/activities"));
        await using var db = _db.NewContext();
        Assert.Equal(_time.GetUtcNow().UtcDateTime, (await db.Users.SingleAsync(u => u.Id == userId)).UnreachableSince);
    }

    [Fact]
    public async Task SendToUser_IsPermanentFailure_WhenUserNeverUsedTeams()
    {
        await using (var db = _db.NewTrackingContext())
        {
            db.Users.Add(new User { Name = "Bob", Email = "bob@example.com" });
            await db.SaveChangesAsync();
        }
        var result = await SendToUserAsync(1);
        Assert.Equal(SendStatus.PermanentFailure, result.Status);
        Assert.Empty(_connector.Requests);
    }

    [Fact]
    public async Task SendToUser_IsThrottled_WhenRetryAfterIsTooLongToWait()
    {
        var userId = await SeedLinkedUserAsync();
        _connector.Respond = r => r.Path == "/amer/v3/conversations"
            ? FakeResponse.Json("""{"id":"a:busy"}""")
            : new FakeResponse(429, null, new Dictionary<string, string> { ["Retry-After"] = "120" });

        var result = await SendToUserAsync(userId);

        Assert.Equal(SendStatus.Throttled, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [Fact]
    public async Task SendToConversation_StartsANewThread_WhenChannel()
    {
        _connector.Respond = _ => FakeResponse.Json("""{"id":"19:general@thread.tacv2;messageid=42","activityId":"42"}""");
        var channel = new ConversationRef
        {
            Platform = ChatPlatform.Teams, Workspace = Tenant, ConversationId = "19:general@thread.tacv2", ConversationType = "channel",
            ServiceUrl = ServiceUrl, ChannelId = "msteams", BotId = "28:" + AppId,
        };

        await using var scope = _services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IProactiveSender>().SendToConversationAsync(channel, Reply("Leaderboard"), CancellationToken.None);

        Assert.Equal(SendResult.Ok("42"), result);
        var request = Assert.Single(_connector.Requests);
        Assert.Equal("/amer/v3/conversations", request.RawTarget);
        Assert.True((bool)request.Json!["isGroup"]!);
        Assert.Equal("19:general@thread.tacv2", (string?)request.Json!["channelData"]!["channel"]!["id"]);
        Assert.Equal("Leaderboard", (string?)request.Json!["activity"]!["attachments"]![0]!["content"]!["body"]![0]!["text"]);
    }

    private static Reply Reply(string title) => new() { Kind = ReplyKind.Report, Language = "en", Title = title, Text = "body" };

    private async Task<SendResult> SendToUserAsync(int userId)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IProactiveSender>().SendToUserAsync(userId, Reply("Your stale deals"), CancellationToken.None);
    }

    /// <summary>A CRM user linked to Teams user 29:ada, in a tenant whose team channel we already know.</summary>
    private async Task<int> SeedLinkedUserAsync()
    {
        await using var db = _db.NewTrackingContext();
        var user = new User { Name = "Ada", Email = "ada@example.com" };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Teams, Workspace = Tenant, PlatformUserId = "29:ada", UserId = user.Id });
        db.ConversationRefs.Add(new ConversationRef
        {
            Platform = ChatPlatform.Teams, Workspace = Tenant, ConversationId = "19:general@thread.tacv2", ConversationType = "channel",
            ServiceUrl = ServiceUrl, ChannelId = "msteams", BotId = "28:" + AppId,
        });
        await db.SaveChangesAsync();
        return user.Id;
    }
}
