using Microsoft.Extensions.Options;

namespace CrmBot.Teams;

/// <summary>Configuration section "Teams": the Azure Bot registration and the Bot Framework endpoints.</summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    /// <summary>The bot's Entra app id. Empty = local no-auth mode (Emulator, offline-directline): no inbound
    /// token is required and no outbound token is sent.</summary>
    public string MicrosoftAppId { get; set; } = "";

    /// <summary>Client secret of the app; required when <see cref="MicrosoftAppId"/> is set.</summary>
    public string MicrosoftAppPassword { get; set; } = "";

    /// <summary>Tenant of a single-tenant bot. Empty = the legacy multi-tenant authority "botframework.com".</summary>
    public string MicrosoftAppTenantId { get; set; } = "";

    /// <summary>Bot Framework OpenID metadata (its jwks_uri lists the signing keys and their endorsements).</summary>
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>The only issuer of channel tokens.</summary>
    public string ChannelTokenIssuer { get; set; } = "https://api.botframework.com";

    /// <summary>Base of the token authority: {base}/{tenant}/oauth2/v2.0/token.</summary>
    public string TokenEndpointBase { get; set; } = "https://login.microsoftonline.com";

    /// <summary>Scope of the outbound (bot → connector) token.</summary>
    public string ConnectorScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>Connector used to open a 1:1 chat when no conversation with the user was stored yet.</summary>
    public string DefaultServiceUrl { get; set; } = "https://smba.trafficmanager.net/teams/";

    /// <summary>Timeout of each HTTP call to the connector, the token endpoint and the key endpoints.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Bound of the e-mail lookup on first contact (offline-directline never answers it).</summary>
    public TimeSpan MemberLookupTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Teams gives invokes about 5 s; the card answer must be ready before that.</summary>
    public TimeSpan InvokeBudget { get; set; } = TimeSpan.FromSeconds(4.5);

    /// <summary>Activities waiting for a worker; beyond this the endpoint answers 503 and the channel retries.</summary>
    public int ReplyQueueCapacity { get; set; } = 256;

    /// <summary>
    /// Turns taken from the queue at once. More than the chat's turn gate (which bounds the engine's work, reports
    /// included): a worker mostly waits, for the gate or the connector, and with as few workers as gate slots a queued
    /// message waited twice while an invoke, answered inside its request, waited once (`crmbot load`, 50 users:
    /// messages p50 452 ms with 4 workers, 284 ms with 16).
    /// </summary>
    public int ReplyWorkers { get; set; } = 16;

    /// <summary>Retries of a connector call after 429/412/502/503/504, after the first attempt.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay when no Retry-After is given; doubled per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A Retry-After longer than this is not waited for inside a request: the caller is told to come back later.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    public bool AuthenticationEnabled => !string.IsNullOrWhiteSpace(MicrosoftAppId);
}

/// <summary>Start-up validation: a half-configured registration fails loudly instead of failing every request.</summary>
internal sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions o)
    {
        var errors = new List<string>();
        if (o.AuthenticationEnabled && string.IsNullOrWhiteSpace(o.MicrosoftAppPassword))
            errors.Add("Teams:MicrosoftAppId is set but Teams:MicrosoftAppPassword is empty. Set the client secret of the Azure Bot's app registration (environment variable Teams__MicrosoftAppPassword), or clear Teams:MicrosoftAppId to run the local unauthenticated mode.");
        foreach (var (key, url) in new[] { ("OpenIdMetadataUrl", o.OpenIdMetadataUrl), ("TokenEndpointBase", o.TokenEndpointBase), ("DefaultServiceUrl", o.DefaultServiceUrl) })
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttps && u.Scheme != Uri.UriSchemeHttp))
                errors.Add($"Teams:{key} must be an absolute http(s) URL, got '{url}'.");
        if (o.HttpTimeout <= TimeSpan.Zero) errors.Add("Teams:HttpTimeout must be positive.");
        if (o.InvokeBudget <= TimeSpan.Zero) errors.Add("Teams:InvokeBudget must be positive.");
        if (o.MemberLookupTimeout <= TimeSpan.Zero) errors.Add("Teams:MemberLookupTimeout must be positive.");
        if (o.ReplyQueueCapacity < 1 || o.ReplyWorkers < 1) errors.Add("Teams:ReplyQueueCapacity and Teams:ReplyWorkers must be at least 1.");
        if (o.MaxRetries < 0) errors.Add("Teams:MaxRetries must not be negative.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
