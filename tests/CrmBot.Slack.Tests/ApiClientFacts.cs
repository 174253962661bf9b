using System.Text.Json.Nodes;
using CrmBot.Slack.Api;
using CrmBot.Slack.Tests.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Slack.Tests;

public sealed class ApiClientFacts : IAsyncLifetime
{
    private FakeSlackServer _slack = null!;
    private readonly LogCollector _logs = new();

    public async Task InitializeAsync() => _slack = await FakeSlackServer.StartAsync();

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    private SlackApiClient Client(TimeProvider? clock = null, int maxAttempts = 3, TimeSpan? timeout = null) => new(
        new HttpClient(),
        new SlackRateLimits(),
        Options.Create(new SlackOptions
        {
            BotToken = SlackTestHost.BotToken, AppToken = SlackTestHost.AppToken, ApiBaseUrl = _slack.ApiBaseUrl,
            MaxAttempts = maxAttempts, RequestTimeout = timeout ?? TimeSpan.FromSeconds(5),
        }),
        clock ?? TimeProvider.System,
        LoggerFactory.Create(b => b.AddProvider(_logs)).CreateLogger<SlackApiClient>());

    private static JsonObject Message => new() { ["text"] = "Stale deals", ["blocks"] = new JsonArray() };

    [Fact]
    public async Task PostMessage_SendsJsonWithTheBotToken_AndReturnsTheTimestamp()
    {
        var posted = await Client().PostMessageAsync("C1", Message, CancellationToken.None);

        var call = Assert.Single(_slack.Calls("chat.postMessage"));
        Assert.Equal("Bearer " + SlackTestHost.BotToken, call.Authorization);
        Assert.StartsWith("application/json", call.ContentType);
        Assert.Equal("C1", call.Json!["channel"]!.GetValue<string>());
        Assert.Equal("Stale deals", call.Json!["text"]!.GetValue<string>());
        Assert.Equal(new SlackPostedMessage("C1", "1700000000.000100"), posted);
    }

    [Fact]
    public async Task Reads_AreFormEncoded()
    {
        _slack.Emails["U1"] = "ann@example.com";
        var client = Client();

        var email = (await client.GetUserProfileAsync("U1", CancellationToken.None)).Email;
        var found = await client.LookupUserByEmailAsync("ann@example.com", CancellationToken.None);
        var missing = await client.LookupUserByEmailAsync("nobody@example.com", CancellationToken.None);

        Assert.Equal(("ann@example.com", "U1", (string?)null), (email, found, missing));
        Assert.All(_slack.AllCalls, c => Assert.StartsWith("application/x-www-form-urlencoded", c.ContentType));
        Assert.Equal("ann@example.com", _slack.Calls("users.lookupByEmail")[0].Form["email"]);
    }

    [Fact]
    public async Task ConversationsOpen_ReturnsTheDmChannel()
    {
        Assert.Equal("DU7", await Client().OpenConversationAsync("U7", CancellationToken.None));
        Assert.Equal("U7", Assert.Single(_slack.Calls("conversations.open")).Json!["users"]!.GetValue<string>());
    }

    [Fact]
    public async Task RateLimited_PausesThatMethodForRetryAfter_ThenRetries()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = Client(clock);
        _slack.Script("chat.postMessage", 429, """{"ok":false,"error":"ratelimited"}""", ("Retry-After", "2"));

        var post = client.PostMessageAsync("C1", Message, CancellationToken.None);
        await _slack.WaitForAsync("chat.postMessage");
        // Other methods are not paused by chat.postMessage's limit.
        await client.OpenConversationAsync("U1", CancellationToken.None);
        Assert.Single(_slack.Calls("chat.postMessage"));
        Assert.False(post.IsCompleted);

        // The pause starts when the client has read the 429, which on a loaded machine can be after many steps; the
        // clock is moved on until the retry comes (bounded in real time), never stopped before the pause's timer exists.
        var advanced = TimeSpan.Zero;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_slack.Calls("chat.postMessage").Count < 2)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            await Task.Delay(10, deadline.Token);
        }

        Assert.Equal("1700000000.000100", (await post.WaitAsync(TimeSpan.FromSeconds(30))).Ts);
        Assert.Equal(2, _slack.Calls("chat.postMessage").Count);
        Assert.True(advanced >= TimeSpan.FromSeconds(2), $"retried after {advanced}");
    }

    [Fact]
    public async Task RateLimited_IsReportedToTheCaller_WhenRetryAfterIsLongerThanWeWait()
    {
        _slack.Script("chat.postMessage", 429, "", ("Retry-After", "120"));

        var e = await Assert.ThrowsAsync<SlackRateLimitedException>(() => Client().PostMessageAsync("C1", Message, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(120), e.RetryAfter);
        Assert.Single(_slack.Calls("chat.postMessage"));
    }

    [Fact]
    public async Task OkFalse_ThrowsWithSlacksErrorCode_AndLogsIt()
    {
        _slack.Script("chat.update", 200, """{"ok":false,"error":"cant_update_message"}""");

        var e = await Assert.ThrowsAsync<SlackApiException>(() => Client().UpdateAsync("C1", "1.2", Message, CancellationToken.None));

        Assert.Equal(("chat.update", "cant_update_message", false), (e.Method, e.Error, e.IsTransient));
        Assert.Single(_slack.Calls("chat.update"));
        Assert.Contains(_logs.Entries, l => l.Level == LogLevel.Warning && l.Message.Contains("cant_update_message"));
    }

    [Fact]
    public async Task ServerErrors_AreRetriedABoundedNumberOfTimes()
    {
        for (var i = 0; i < 3; i++) _slack.Script("chat.postMessage", 503, "unavailable");

        var e = await Assert.ThrowsAsync<SlackApiException>(() => Client(maxAttempts: 2).PostMessageAsync("C1", Message, CancellationToken.None));

        Assert.Equal(("http_503", true), (e.Error, e.IsTransient));
        Assert.Equal(2, _slack.Calls("chat.postMessage").Count);
    }

    [Fact]
    public async Task ServerErrors_ThenSuccess_Succeeds()
    {
        _slack.Script("chat.postMessage", 502, "bad gateway");

        var posted = await Client().PostMessageAsync("C1", Message, CancellationToken.None);

        Assert.Equal("1700000000.000100", posted.Ts);
        Assert.Equal(2, _slack.Calls("chat.postMessage").Count);
    }

    [Fact]
    public async Task SlowSlack_TimesOut()
    {
        var release = new TaskCompletionSource();
        _slack.Script("users.info", async http => await release.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        var e = await Assert.ThrowsAsync<SlackApiException>(() =>
            Client(maxAttempts: 1, timeout: TimeSpan.FromMilliseconds(300)).GetUserProfileAsync("U1", CancellationToken.None));
        release.SetResult();

        Assert.Equal(("timeout", true), (e.Error, e.IsTransient));
    }

    [Fact]
    public async Task UploadFile_GetsAnUploadUrl_PostsTheBytes_AndCompletesIntoTheChannel()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 };

        var fileId = await Client().UploadFileAsync("C1", "pipeline.png", png, "Pipeline", "Pipeline by stage", "1.5", CancellationToken.None);

        Assert.Equal("F123", fileId);
        Assert.Equal(["files.getUploadURLExternal", "upload", "files.completeUploadExternal"], _slack.AllCalls.Select(c => c.Name));
        var ticket = _slack.Calls("files.getUploadURLExternal")[0];
        Assert.Equal(("pipeline.png", "7", "Pipeline by stage"), (ticket.Form["filename"], ticket.Form["length"], ticket.Form["alt_txt"]));
        Assert.Equal(png, _slack.Calls("upload")[0].Body);
        var complete = _slack.Calls("files.completeUploadExternal")[0];
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"id":"F123","title":"Pipeline"}]"""), JsonNode.Parse(complete.Form["files"])));
        Assert.Equal(("C1", "1.5"), (complete.Form["channel_id"], complete.Form["thread_ts"]));
    }

    [Fact]
    public async Task UploadFile_Fails_WhenTheUploadUrlRefusesTheBytes()
    {
        _slack.Script("upload", 500, "");

        await Assert.ThrowsAsync<SlackApiException>(() =>
            Client(maxAttempts: 1).UploadFileAsync("C1", "a.png", [1], "A", null, null, CancellationToken.None));

        Assert.Empty(_slack.Calls("files.completeUploadExternal"));
    }

    [Fact]
    public async Task OpenSocketConnection_SendsTheAppTokenOnlyInTheHeader()
    {
        var url = await Client().OpenSocketConnectionAsync(CancellationToken.None);

        var call = Assert.Single(_slack.Calls("apps.connections.open"));
        Assert.Equal("Bearer " + SlackTestHost.AppToken, call.Authorization);
        Assert.Empty(call.Body);
        Assert.Equal("ws", url.Scheme);
    }
}
