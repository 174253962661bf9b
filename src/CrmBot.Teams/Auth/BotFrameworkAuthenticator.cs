using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrmBot.Teams.Auth;

/// <summary>Whether an inbound activity may reach the bot: 200, or 401 / 403 / 503 with the reason (logged, never sent).</summary>
public sealed record AuthOutcome(int StatusCode, string? Failure, bool IsAnonymous = false)
{
    public static readonly AuthOutcome Authenticated = new(StatusCodes.Status200OK, null);
    /// <summary>Local mode (no app id): accepted without a token.</summary>
    public static readonly AuthOutcome Anonymous = new(StatusCodes.Status200OK, null, IsAnonymous: true);
    public bool Succeeded => StatusCode == StatusCodes.Status200OK;
    public static AuthOutcome Unauthorized(string why) => new(StatusCodes.Status401Unauthorized, why);
    public static AuthOutcome Forbidden(string why) => new(StatusCodes.Status403Forbidden, why);
    /// <summary>We could not check the token (no signing keys): our outage, not the caller's fault; the channel may retry.</summary>
    public static AuthOutcome Unavailable(string why) => new(StatusCodes.Status503ServiceUnavailable, why);
}

/// <summary>
/// Validates the Bot Connector's JWT exactly as protocols.md section 1 lists (AuthDoc; BB ChannelValidation):
/// Bearer scheme, issuer https://api.botframework.com, audience = our app id, lifetime with 5 min skew,
/// RS256/384/512 with a published key, that key endorsed for the activity's channel (else 403), and the
/// "serviceurl" claim equal to activity.serviceUrl. Runs after the body is parsed because of that last rule.
/// </summary>
public sealed class BotFrameworkAuthenticator(EndorsedKeyCache keys, IOptions<TeamsOptions> options, TimeProvider time, ILogger<BotFrameworkAuthenticator> log)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<AuthOutcome> AuthenticateAsync(string? authorization, Activity activity, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.AuthenticationEnabled)
        {
            // Local mode (BB: auth disabled ⇔ empty app id): anonymous without a header. A token we
            // cannot check the audience of is refused rather than trusted.
            return string.IsNullOrEmpty(authorization)
                ? AuthOutcome.Anonymous
                : AuthOutcome.Unauthorized("a token was sent but no Teams:MicrosoftAppId is configured to validate it against");
        }

        if (string.IsNullOrEmpty(authorization))
            return AuthOutcome.Unauthorized("no Authorization header");
        var parts = authorization.Split(' ');
        if (parts.Length != 2 || !parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase) || parts[1].Length == 0)
            return AuthOutcome.Unauthorized("Authorization is not 'Bearer <token>'");
        var token = parts[1];

        string? kid;
        try
        {
            kid = _handler.ReadJsonWebToken(token).Kid;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return AuthOutcome.Unauthorized("malformed token");
        }

        IReadOnlyDictionary<string, EndorsedKey> signingKeys;
        try
        {
            signingKeys = await keys.GetKeysAsync(kid, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogError(e, "No Bot Framework signing keys available; refusing the request");
            return AuthOutcome.Unavailable("signing keys unavailable");
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = o.ChannelTokenIssuer,
            ValidAudience = o.MicrosoftAppId,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = Algorithms,
            IssuerSigningKeys = signingKeys.Values.Select(k => k.Key).ToList(),
            // Our clock, not the machine's, so tests and "as of" demos judge lifetime consistently.
            LifetimeValidator = (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires),
        });
        if (!result.IsValid)
            return AuthOutcome.Unauthorized(result.Exception?.GetType().Name + ": " + result.Exception?.Message);

        var jwt = (JsonWebToken)result.SecurityToken;
        var signingKid = jwt.SigningKey?.KeyId ?? kid;
        if (signingKid is null || !signingKeys.TryGetValue(signingKid, out var signingKey)
            || activity.ChannelId is null || !signingKey.Endorsements.Contains(activity.ChannelId))
            return AuthOutcome.Forbidden($"signing key '{signingKid}' is not endorsed for channel '{activity.ChannelId}'");

        var serviceUrlClaim = jwt.TryGetPayloadValue<string>("serviceurl", out var s) ? s : null;
        if (string.IsNullOrEmpty(serviceUrlClaim) || !string.Equals(serviceUrlClaim, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
            return AuthOutcome.Unauthorized("the serviceurl claim does not match activity.serviceUrl");

        return AuthOutcome.Authenticated;
    }

    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } exp && now <= exp.ToUniversalTime() + ClockSkew
            && (notBefore is not { } nbf || now >= nbf.ToUniversalTime() - ClockSkew);
    }
}
