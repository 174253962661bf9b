using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CrmBot.Teams.Auth;
using CrmBot.Teams.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace CrmBot.Teams.Tests;

/// <summary>
/// POST /api/messages with authentication on while the OpenID metadata / JWKS server on 127.0.0.1 goes away:
/// tokens signed with cached keys keep being accepted until the cache expires; without keys the endpoint answers
/// 503 with Retry-After (we could not check the token: our outage, not a bad caller) instead of 500 or a
/// misleading 401, and it recovers by itself once the metadata answers again.
/// </summary>
public sealed class OpenIdOutageFacts : IAsyncLifetime
{
    private const string AppId = "00000000-1111-2222-3333-444444444444";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private readonly BotFrameworkKeys _keys = new();
    private readonly string _openIdUrl = $"http://127.0.0.1:{FixedPort.Pick()}";
    private readonly TaskCompletionSource _slowUntil = new();
    private RecordingServer? _openId;
    private RecordingServer _connector = null!;
    private RecordingServer _login = null!;
    private TeamsTestHost _host = null!;
    private RsaSecurityKey _signing = null!;

    public async Task InitializeAsync()
    {
        _signing = _keys.Add("teams-key", "msteams");
        _connector = await RecordingServer.StartAsync();
        _login = await RecordingServer.StartAsync(_ => FakeResponse.Json("""{"token_type":"Bearer","expires_in":3600,"access_token":"bot-token"}"""));
        _host = await TeamsTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Teams:MicrosoftAppId"] = AppId, ["Teams:MicrosoftAppPassword"] = "s3cret",
            ["Teams:OpenIdMetadataUrl"] = _openIdUrl + BotFrameworkKeys.MetadataPath, ["Teams:TokenEndpointBase"] = _login.BaseUrl,
            ["Teams:HttpTimeout"] = "00:00:01",
        }, _time);
    }

    public async Task DisposeAsync()
    {
        _slowUntil.TrySetResult();
        await _host.DisposeAsync();
        await StopOpenIdAsync();
        await _connector.DisposeAsync();
        await _login.DisposeAsync();
        _keys.Dispose();
    }

    private async Task StartOpenIdAsync(Func<RecordedRequest, FakeResponse>? respond = null)
    {
        _openId = await RecordingServer.StartAsync(null, _openIdUrl);
        _openId.Respond = respond ?? (r => _keys.Serve(r, _openIdUrl));
    }

    private async Task StopOpenIdAsync()
    {
        if (_openId is not null) await _openId.DisposeAsync();
        _openId = null;
    }

    [Fact]
    public async Task CachedKeys_KeepWorkingWhileMetadataIsDown_UntilTheyExpire_ThenTheEndpointRecovers()
    {
        await StartOpenIdAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync()).StatusCode);
        await StopOpenIdAsync(); // connection refused from now on

        // A day later a refresh is due and fails: the cached keys still answer, also near the end of their life.
        _time.Advance(EndorsedKeyCache.RefreshInterval);
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync()).StatusCode);
        _time.Advance(EndorsedKeyCache.KeysExpireAfter - EndorsedKeyCache.RefreshInterval - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync()).StatusCode);

        // Expired, and still no metadata: refused as "try later", not as a bad token and not as a crash.
        _time.Advance(TimeSpan.FromMinutes(1));
        var refused = await PostSignedAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);

        await StartOpenIdAsync();
        _time.Advance(EndorsedKeyCache.NoKeysRetryInterval);   // the failed fetch is not retried before then
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync()).StatusCode);
        // A forged token is still a 401 once keys are back: 503 is only for "could not check".
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignedAsync(BotFrameworkKeys.Unpublished("teams-key"))).StatusCode);
    }

    public static TheoryData<string> Outages => ["refused", "500", "slow"];

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task NoCachedKeys_Answers503_NotA500_ThenRecovers(string outage)
    {
        if (outage == "500")
            await StartOpenIdAsync(_ => new FakeResponse(500, """{"error":"down"}"""));
        if (outage == "slow")
        {
            await StartOpenIdAsync();
            _openId!.Stall = (_, ct) => _slowUntil.Task.WaitAsync(ct); // longer than Teams:HttpTimeout (1 s)
        }

        var refused = await PostSignedAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Empty(await refused.Content.ReadAsStringAsync());
        Assert.Empty(_connector.Requests); // nothing reached the bot

        _slowUntil.TrySetResult();
        await StopOpenIdAsync();
        await StartOpenIdAsync();
        _time.Advance(EndorsedKeyCache.NoKeysRetryInterval);
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync()).StatusCode);
        await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message"); // and the bot answered
    }

    [Fact]
    public async Task NoCachedKeys_AndAHungServer_OneFetchAnswersEveryWaitingRequest_AndTheNextTryWaits()
    {
        await StartOpenIdAsync();
        _openId!.Stall = async (_, ct) =>
        {
            // Longer than Teams:HttpTimeout (1 s), and on the host's clock longer than the retry interval: with the
            // default 15 s timeout a hung fetch outlasts it, and the waiting requests must not each fetch again then.
            _time.Advance(EndorsedKeyCache.NoKeysRetryInterval + TimeSpan.FromSeconds(1));
            await _slowUntil.Task.WaitAsync(ct);
        };

        // Four requests at once: one fetches and times out; the three queued behind it do not each wait out a fetch of
        // their own (the fourth would have waited four timeouts), they are refused at once with the first.
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostSignedAsync()));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
        Assert.Equal(((int)EndorsedKeyCache.NoKeysRetryInterval.TotalSeconds).ToString(), answers[0].Headers.GetValues("Retry-After").Single());
        Assert.Single(_openId.Requests, r => r.Path.EndsWith(BotFrameworkKeys.MetadataPath));

        // Within the retry interval a new request does not fetch either; after it, it does.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await PostSignedAsync()).StatusCode);
        Assert.Single(_openId.Requests, r => r.Path.EndsWith(BotFrameworkKeys.MetadataPath));
        _slowUntil.TrySetResult();
        await StopOpenIdAsync();
        await StartOpenIdAsync();
        _time.Advance(EndorsedKeyCache.NoKeysRetryInterval);
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync()).StatusCode);
    }

    private async Task<HttpResponseMessage> PostSignedAsync(SecurityKey? key = null)
    {
        var serviceUrl = _connector.BaseUrl + "/amer/";
        var activity = new JsonObject
        {
            ["type"] = "message", ["id"] = "act-" + Guid.NewGuid().ToString("N"), ["text"] = "pipeline", ["channelId"] = "msteams", ["locale"] = "en-US",
            ["from"] = new JsonObject { ["id"] = "29:ada", ["name"] = "Ada" },
            ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "CrmBot" },
            ["conversation"] = new JsonObject { ["id"] = "a:ada-1to1", ["conversationType"] = "personal" },
            ["serviceUrl"] = serviceUrl,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _host.BaseUrl + "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            BotFrameworkKeys.Token(key ?? _signing, AppId, serviceUrl, _time.GetUtcNow().UtcDateTime));
        return await _host.Http.SendAsync(request);
    }

}
