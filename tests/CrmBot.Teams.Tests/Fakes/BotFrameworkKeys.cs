using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrmBot.Teams.Tests.Fakes;

/// <summary>
/// Locally generated RSA keys published the way login.botframework.com does: OpenID metadata whose
/// jwks_uri lists the keys, each with an "endorsements" array; and tokens signed with them.
/// </summary>
public sealed class BotFrameworkKeys : IDisposable
{
    public const string MetadataPath = "/v1/.well-known/openidconfiguration";
    public const string KeysPath = "/v1/.well-known/keys";
    public const string Issuer = "https://api.botframework.com";

    // RSA generation is slow on a loaded 2-core machine: key material is made once per name and shared.
    private static readonly ConcurrentDictionary<string, RSA> Material = new();
    private readonly Dictionary<string, (RSA Rsa, string[] Endorsements)> _published = new();

    public RsaSecurityKey Add(string kid, params string[] endorsements)
    {
        var rsa = Material.GetOrAdd(kid, _ => RSA.Create(2048));
        _published[kid] = (rsa, endorsements);
        return new RsaSecurityKey(rsa) { KeyId = kid };
    }

    /// <summary>A key that signs tokens but is published nowhere (same kid as a published one, other material).</summary>
    public static RsaSecurityKey Unpublished(string kid) => new(Material.GetOrAdd("unpublished:" + kid, _ => RSA.Create(2048))) { KeyId = kid };

    public RsaSecurityKey Key(string kid) => new(_published[kid].Rsa) { KeyId = kid };

    /// <summary>The OpenID metadata and JWKS endpoints, to plug into a <see cref="RecordingServer"/>.</summary>
    public FakeResponse Serve(RecordedRequest request, string baseUrl) => request.Path switch
    {
        MetadataPath => FakeResponse.Json(new JsonObject { ["issuer"] = Issuer, ["jwks_uri"] = baseUrl + KeysPath }.ToJsonString()),
        KeysPath => FakeResponse.Json(new JsonObject { ["keys"] = new JsonArray(_published.Select(k => (JsonNode)Jwk(k.Key, k.Value.Rsa, k.Value.Endorsements)).ToArray()) }.ToJsonString()),
        _ => new FakeResponse(404),
    };

    private static JsonObject Jwk(string kid, RSA rsa, string[] endorsements)
    {
        var p = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA", ["use"] = "sig", ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["endorsements"] = new JsonArray(endorsements.Select(e => (JsonNode)e).ToArray()),
        };
    }

    public static string Token(SecurityKey key, string audience, string serviceUrl, DateTime now, string issuer = Issuer,
        DateTime? notBefore = null, DateTime? expires = null, string algorithm = SecurityAlgorithms.RsaSha256) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(60),
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl)]),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

    public void Dispose() => _published.Clear();
}
