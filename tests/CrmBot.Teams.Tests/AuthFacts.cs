using System.Text;
using CrmBot.Teams.Auth;
using CrmBot.Teams.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace CrmBot.Teams.Tests;

/// <summary>
/// Inbound Bot Framework authentication (protocols.md section 1) against a local OpenID metadata + JWKS
/// server on 127.0.0.1 publishing locally generated RSA keys with endorsements.
/// </summary>
public sealed class AuthFacts : IAsyncLifetime
{
    private const string AppId = "00000000-1111-2222-3333-444444444444";
    private const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    private readonly BotFrameworkKeys _keys = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private RecordingServer _openId = null!;
    private ServiceProvider _services = null!;
    private RsaSecurityKey _teamsKey = null!;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    public async Task InitializeAsync()
    {
        _teamsKey = _keys.Add("teams-key", "msteams", "emulator");
        _keys.Add("skype-key", "skype");
        _openId = await RecordingServer.StartAsync();
        _openId.Respond = r => _keys.Serve(r, _openId.BaseUrl);
        _services = Services(AppId);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _openId.DisposeAsync();
        _keys.Dispose();
    }

    private ServiceProvider Services(string appId)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Teams:MicrosoftAppId"] = appId,
            ["Teams:MicrosoftAppPassword"] = appId.Length > 0 ? "secret" : "",
            ["Teams:OpenIdMetadataUrl"] = _openId.BaseUrl + BotFrameworkKeys.MetadataPath,
        }).Build();
        return new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddTeamsChannel(config).BuildServiceProvider();
    }

    private Task<AuthOutcome> AuthenticateAsync(string? header, string channelId = "msteams", string serviceUrl = ServiceUrl) =>
        _services.GetRequiredService<BotFrameworkAuthenticator>().AuthenticateAsync(header,
            new Activity { Type = "message", ChannelId = channelId, ServiceUrl = serviceUrl }, CancellationToken.None);

    private string ValidToken() => BotFrameworkKeys.Token(_teamsKey, AppId, ServiceUrl, Now);

    [Fact]
    public async Task Authenticate_Accepts_WhenTokenIsValid()
    {
        var outcome = await AuthenticateAsync("Bearer " + ValidToken());
        Assert.True(outcome.Succeeded, outcome.Failure);
        Assert.False(outcome.IsAnonymous);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha384)]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    public async Task Authenticate_Accepts_WhenSignedWithOtherAllowedRsaAlgorithms(string algorithm)
    {
        var outcome = await AuthenticateAsync("Bearer " + BotFrameworkKeys.Token(_teamsKey, AppId, ServiceUrl, Now, algorithm: algorithm));
        Assert.True(outcome.Succeeded, outcome.Failure);
    }

    [Fact]
    public async Task Authenticate_AcceptsAnyCaseOfScheme_AndServiceUrlCase()
    {
        var outcome = await AuthenticateAsync("bearer " + ValidToken(), serviceUrl: ServiceUrl.ToUpperInvariant());
        Assert.True(outcome.Succeeded, outcome.Failure);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenIssuerIsWrong()
    {
        var token = BotFrameworkKeys.Token(_teamsKey, AppId, ServiceUrl, Now, issuer: "https://sts.windows.net/evil/");
        Assert.Equal(401, (await AuthenticateAsync("Bearer " + token)).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenAudienceIsAnotherApp()
    {
        var token = BotFrameworkKeys.Token(_teamsKey, "99999999-1111-2222-3333-444444444444", ServiceUrl, Now);
        Assert.Equal(401, (await AuthenticateAsync("Bearer " + token)).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenExpiredBeyondFiveMinuteSkew()
    {
        var token = BotFrameworkKeys.Token(_teamsKey, AppId, ServiceUrl, Now, notBefore: Now.AddHours(-2), expires: Now.AddMinutes(-6));
        Assert.Equal(401, (await AuthenticateAsync("Bearer " + token)).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Accepts_WhenExpiredWithinFiveMinuteSkew()
    {
        var token = BotFrameworkKeys.Token(_teamsKey, AppId, ServiceUrl, Now, notBefore: Now.AddHours(-2), expires: Now.AddMinutes(-4));
        var outcome = await AuthenticateAsync("Bearer " + token);
        Assert.True(outcome.Succeeded, outcome.Failure);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenNotYetValid()
    {
        var token = BotFrameworkKeys.Token(_teamsKey, AppId, ServiceUrl, Now, notBefore: Now.AddMinutes(6), expires: Now.AddHours(1));
        Assert.Equal(401, (await AuthenticateAsync("Bearer " + token)).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns403_WhenKeyIsNotEndorsedForTheChannel()
    {
        var token = BotFrameworkKeys.Token(_keys.Key("skype-key"), AppId, ServiceUrl, Now);
        Assert.Equal(403, (await AuthenticateAsync("Bearer " + token)).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns403_WhenActivityClaimsAChannelTheKeyIsNotEndorsedFor()
    {
        Assert.Equal(403, (await AuthenticateAsync("Bearer " + ValidToken(), channelId: "slack")).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenServiceUrlClaimDiffersFromActivity()
    {
        Assert.Equal(401, (await AuthenticateAsync("Bearer " + ValidToken(), serviceUrl: "https://attacker.example/")).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenAlgorithmIsNone()
    {
        var valid = ValidToken().Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT","kid":"teams-key"}""");
        Assert.Equal(401, (await AuthenticateAsync($"Bearer {header}.{valid[1]}.")).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenPayloadWasTampered()
    {
        var parts = ValidToken().Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(ServiceUrl, "https://attacker.example/");
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        Assert.Equal(401, (await AuthenticateAsync("Bearer " + tampered, serviceUrl: "https://attacker.example/")).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenSignatureWasTampered()
    {
        var parts = ValidToken().Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[10] ^= 0xFF;
        Assert.Equal(401, (await AuthenticateAsync($"Bearer {parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}")).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenSignedWithAnUnpublishedKey()
    {
        var token = BotFrameworkKeys.Token(BotFrameworkKeys.Unpublished("teams-key"), AppId, ServiceUrl, Now);
        Assert.Equal(401, (await AuthenticateAsync("Bearer " + token)).StatusCode);
    }

    [Fact]
    public async Task Authenticate_Returns401_WhenSignedWithASharedSecret()
    {
        var hmac = new SymmetricSecurityKey(new byte[32]) { KeyId = "teams-key" };
        var token = BotFrameworkKeys.Token(hmac, AppId, ServiceUrl, Now, algorithm: SecurityAlgorithms.HmacSha256);
        Assert.Equal(401, (await AuthenticateAsync("Bearer " + token)).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer a b")]
    [InlineData("Bearer not-a-jwt")]
    public async Task Authenticate_Returns401_WhenHeaderIsMissingOrMalformed(string? header)
    {
        Assert.Equal(401, (await AuthenticateAsync(header)).StatusCode);
    }

    [Fact]
    public async Task Authenticate_FetchesKeysOnce_WhenValidatingManyTokens()
    {
        for (var i = 0; i < 3; i++)
            Assert.True((await AuthenticateAsync("Bearer " + ValidToken())).Succeeded);
        Assert.Single(_openId.Requests, r => r.Path == BotFrameworkKeys.KeysPath);
    }

    [Fact]
    public async Task Authenticate_RefreshesKeys_WhenATokenNamesANewKey()
    {
        Assert.True((await AuthenticateAsync("Bearer " + ValidToken())).Succeeded);
        var rotated = _keys.Add("rotated-key", "msteams");
        _time.Advance(EndorsedKeyCache.MinimumRefreshInterval);

        var outcome = await AuthenticateAsync("Bearer " + BotFrameworkKeys.Token(rotated, AppId, ServiceUrl, Now));

        Assert.True(outcome.Succeeded, outcome.Failure);
        Assert.Equal(2, _openId.Requests.Count(r => r.Path == BotFrameworkKeys.KeysPath));
    }

    [Fact]
    public async Task Authenticate_RefreshesKeys_AfterADay()
    {
        Assert.True((await AuthenticateAsync("Bearer " + ValidToken())).Succeeded);
        _time.Advance(EndorsedKeyCache.RefreshInterval);
        Assert.True((await AuthenticateAsync("Bearer " + ValidToken())).Succeeded);
        Assert.Equal(2, _openId.Requests.Count(r => r.Path == BotFrameworkKeys.KeysPath));
    }

    [Fact]
    public async Task Authenticate_AllowsAnonymous_OnlyWithoutAppIdAndWithoutHeader()
    {
        await using var local = Services("");
        var authenticator = local.GetRequiredService<BotFrameworkAuthenticator>();
        var activity = new Activity { Type = "message", ChannelId = "emulator", ServiceUrl = "http://127.0.0.1:1" };

        var anonymous = await authenticator.AuthenticateAsync(null, activity, CancellationToken.None);
        Assert.True(anonymous.Succeeded && anonymous.IsAnonymous);
        Assert.Equal(401, (await authenticator.AuthenticateAsync("Bearer " + ValidToken(), activity, CancellationToken.None)).StatusCode);
        Assert.Empty(_openId.Requests);
    }
}
