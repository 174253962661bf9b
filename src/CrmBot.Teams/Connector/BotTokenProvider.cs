using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams.Connector;

/// <summary>
/// The bot's own token for calling the Bot Connector (client credentials, protocols.md section 2):
/// {TokenEndpointBase}/{tenant or "botframework.com"}/oauth2/v2.0/token, scope https://api.botframework.com/.default.
/// Cached until shortly before it expires, with one refresh in flight; null in local mode (no app id).
/// </summary>
public sealed partial class BotTokenProvider(IHttpClientFactory http, IOptions<TeamsOptions> options, TimeProvider time, ILogger<BotTokenProvider> log)
{
    public const string HttpClientName = "Teams.Token";
    // Refresh this long before expiry so a token never runs out in the middle of a retried call.
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private const string MultiTenantAuthority = "botframework.com";

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private (string Token, DateTimeOffset RefreshAt)? _cached;

    public async Task<string?> GetTokenAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (!o.AuthenticationEnabled)
            return null;
        if (_cached is { } c && time.GetUtcNow() < c.RefreshAt)
            return c.Token;

        await _refreshing.WaitAsync(ct);
        try
        {
            if (_cached is { } again && time.GetUtcNow() < again.RefreshAt)
                return again.Token;
            var fetched = await FetchAsync(o, ct);
            _cached = fetched;
            return fetched.Token;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task<(string Token, DateTimeOffset RefreshAt)> FetchAsync(TeamsOptions o, CancellationToken ct)
    {
        var tenant = string.IsNullOrWhiteSpace(o.MicrosoftAppTenantId) ? MultiTenantAuthority : o.MicrosoftAppTenantId.Trim();
        var url = $"{o.TokenEndpointBase.TrimEnd('/')}/{Uri.EscapeDataString(tenant)}/oauth2/v2.0/token";
        using var response = await http.CreateClient(HttpClientName).PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = o.MicrosoftAppId,
            ["client_secret"] = o.MicrosoftAppPassword,
            ["scope"] = o.ConnectorScope,
        }), ct);
        if (!response.IsSuccessStatusCode)
        {
            // Only the Entra error code and AADSTS number are logged: the body is the endpoint's free text and
            // may echo what it was sent (a proxy's error page, a misconfigured fake), client_secret included.
            var error = await TokenErrorAsync(response, ct);
            log.LogError("Bot token request to {Url} failed with {Status}: {Error}", url, (int)response.StatusCode, error);
            throw new ConnectorException((int)response.StatusCode, "TokenRequestFailed", $"token endpoint answered {(int)response.StatusCode}");
        }
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ct);
        if (string.IsNullOrEmpty(token?.AccessToken))
            throw new ConnectorException(502, "TokenRequestFailed", "token endpoint answered without access_token");
        var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 60));
        var margin = lifetime > 2 * RefreshMargin ? RefreshMargin : lifetime / 2;
        return (token.AccessToken, time.GetUtcNow() + lifetime - margin);
    }

    private static async Task<string> TokenErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<TokenError>(ct);
            var code = AadstsCode().Match(body?.Description ?? "");
            return $"{body?.Error ?? "no error code"}{(code.Success ? " " + code.Value : "")}";
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or HttpRequestException)
        {
            return "unreadable error body";
        }
    }

    [GeneratedRegex(@"\bAADSTS\d+\b")]
    private static partial Regex AadstsCode();

    private sealed record TokenError(
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? Description);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
