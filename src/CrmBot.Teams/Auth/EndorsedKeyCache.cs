using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CrmBot.Teams.Auth;

/// <summary>A signing key of the Bot Connector with the channels it is endorsed for ("msteams", …).</summary>
public sealed record EndorsedKey(SecurityKey Key, IReadOnlySet<string> Endorsements);

/// <summary>
/// The Bot Framework signing keys: OpenID metadata → jwks_uri → keys with their "endorsements" arrays,
/// which the stock OpenID configuration manager drops (BB EndorsementsRetriever reads them the same way).
/// Refreshed every <see cref="RefreshInterval"/> (the doc asks for at least daily) and on demand when a
/// token names an unknown key, at most once per <see cref="MinimumRefreshInterval"/>; one refresh at a time.
/// While the metadata endpoint is unreachable the last keys keep working, until <see cref="KeysExpireAfter"/>
/// since they were last fetched; with no keys at all, <see cref="GetKeysAsync"/> throws (the endpoint answers 503), and
/// after a failed fetch it throws at once for <see cref="NoKeysRetryInterval"/>: requests queued behind a metadata server
/// that does not answer would otherwise each wait out their own fetch in turn.
/// </summary>
public sealed class EndorsedKeyCache(IHttpClientFactory http, IOptions<TeamsOptions> options, TimeProvider time, ILogger<EndorsedKeyCache> log)
{
    public const string HttpClientName = "Teams.OpenId";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(24);
    // Stops a stream of tokens with made-up key ids from turning into a stream of metadata requests.
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromMinutes(5);
    // Rides out a long metadata outage (a weekend), but does not trust keys that may have been rotated out for ever.
    public static readonly TimeSpan KeysExpireAfter = TimeSpan.FromDays(3);
    public static readonly TimeSpan NoKeysRetryInterval = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private IReadOnlyDictionary<string, EndorsedKey> _keys = new Dictionary<string, EndorsedKey>();
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _attemptedAt = DateTimeOffset.MinValue;
    // When a fetch last failed: counted from its end, since a hung server takes the whole HTTP timeout to fail.
    private DateTimeOffset _failedAt = DateTimeOffset.MinValue;

    /// <summary>The current keys; fetched when missing or older than a day, or (rate-limited) when <paramref name="kid"/> is unknown.</summary>
    public async Task<IReadOnlyDictionary<string, EndorsedKey>> GetKeysAsync(string? kid, CancellationToken ct)
    {
        DropExpiredKeys();
        if (!RefreshDue(_keys, kid))
            return KeysOrThrow();

        await _refreshing.WaitAsync(ct);
        try
        {
            if (!RefreshDue(_keys, kid)) // someone else refreshed (or tried) while we waited
                return KeysOrThrow();
            _attemptedAt = time.GetUtcNow();
            try
            {
                _keys = await FetchAsync(ct);
                _fetchedAt = time.GetUtcNow();
                log.LogInformation("Loaded {Count} Bot Framework signing keys from {Url}", _keys.Count, options.Value.OpenIdMetadataUrl);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException or KeyNotFoundException && !ct.IsCancellationRequested)
            {
                // Keep serving the keys we have; an outage of the metadata endpoint must not reject valid tokens.
                log.LogError(e, "Could not load Bot Framework signing keys from {Url}", options.Value.OpenIdMetadataUrl);
                _failedAt = time.GetUtcNow();
                if (_keys.Count == 0) throw;
            }
            return _keys;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private IReadOnlyDictionary<string, EndorsedKey> KeysOrThrow() => _keys.Count > 0
        ? _keys
        : throw new InvalidOperationException($"No Bot Framework signing keys: fetching them failed at {_failedAt:O}; next try after {NoKeysRetryInterval}.");

    private void DropExpiredKeys()
    {
        if (_keys.Count == 0 || time.GetUtcNow() - _fetchedAt < KeysExpireAfter)
            return;
        log.LogWarning("Bot Framework signing keys last fetched at {FetchedAt} have expired; refusing tokens until {Url} answers again",
            _fetchedAt, options.Value.OpenIdMetadataUrl);
        _keys = new Dictionary<string, EndorsedKey>();
    }

    private bool RefreshDue(IReadOnlyDictionary<string, EndorsedKey> keys, string? kid)
    {
        var now = time.GetUtcNow();
        if (keys.Count == 0)
            return now - _failedAt >= NoKeysRetryInterval;
        var wanted = now - _fetchedAt >= RefreshInterval || (kid is not null && !keys.ContainsKey(kid));
        return wanted && now - _attemptedAt >= MinimumRefreshInterval;
    }

    private async Task<IReadOnlyDictionary<string, EndorsedKey>> FetchAsync(CancellationToken ct)
    {
        var client = http.CreateClient(HttpClientName);
        using var metadata = JsonDocument.Parse(await client.GetStringAsync(options.Value.OpenIdMetadataUrl, ct));
        var jwksUri = metadata.RootElement.TryGetProperty("jwks_uri", out var u) && u.ValueKind == JsonValueKind.String
            ? u.GetString()!
            : throw new InvalidOperationException("OpenID metadata has no jwks_uri.");
        var jwksJson = await client.GetStringAsync(jwksUri, ct);

        var keys = new Dictionary<string, EndorsedKey>(StringComparer.Ordinal);
        using var jwks = JsonDocument.Parse(jwksJson);
        foreach (var element in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            var jwk = new JsonWebKey(element.GetRawText());
            if (string.IsNullOrEmpty(jwk.Kid) || jwk.Kty != JsonWebAlgorithmsKeyTypes.RSA)
                continue;
            var endorsements = element.TryGetProperty("endorsements", out var e) && e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
                : [];
            keys[jwk.Kid] = new EndorsedKey(jwk, endorsements);
        }
        return keys;
    }
}
