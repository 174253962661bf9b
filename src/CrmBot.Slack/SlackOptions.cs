using Microsoft.Extensions.Options;

namespace CrmBot.Slack;

/// <summary>Configuration section "Slack". The channel is off until a bot token is configured.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Bot token (xoxb-…) for the Web API.</summary>
    public string? BotToken { get; set; }

    /// <summary>Signing secret: every HTTP request from Slack is verified with it.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>App-level token (xapp-…) with connections:write, for Socket Mode.</summary>
    public string? AppToken { get; set; }

    /// <summary>Receive events over a WebSocket instead of public HTTP endpoints (laptops, no inbound URL).</summary>
    public bool SocketMode { get; set; }

    /// <summary>Web API base URL; tests point it at a fake server on 127.0.0.1.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Timeout of one Web API or response_url call.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per Web API call (429, 5xx, timeouts) before giving up.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Longest Retry-After we wait for inside one call; a longer pause is reported to the caller
    /// (the proactive sender returns Throttled and the job retries later instead of holding a worker).
    /// </summary>
    public TimeSpan MaxRetryAfterWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Turns taken from the background queue at once. More than the chat's turn gate (which bounds the engine's
    /// work, reports included): a worker mostly waits, for the gate or for Slack, and with as few workers as gate slots a Slack
    /// turn waited twice (`crmbot load`, 50 users: answers p50 733 ms with 4 workers, 501 ms with 16).
    /// </summary>
    public int Workers { get; set; } = 16;

    /// <summary>Requests waiting in the queue before new ones are refused with a polite "busy".</summary>
    public int QueueCapacity { get; set; } = 1000;

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);
}

/// <summary>Start-up checks with messages that tell the admin what to set.</summary>
internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions o)
    {
        var errors = new List<string>();
        if (o.SocketMode && string.IsNullOrWhiteSpace(o.AppToken))
            errors.Add("Slack:SocketMode is true but Slack:AppToken is empty: create an app-level token (xapp-…) with the connections:write scope under Basic Information → App-Level Tokens.");
        if (o.SocketMode && !string.IsNullOrWhiteSpace(o.AppToken) && !o.AppToken.StartsWith("xapp-", StringComparison.Ordinal))
            errors.Add("Slack:AppToken must be an app-level token starting with xapp-.");
        if (o.SocketMode && !o.Enabled)
            errors.Add("Slack:SocketMode is true but Slack:BotToken is empty: set the bot token (xoxb-…) from OAuth & Permissions.");
        if (o.Enabled && !o.SocketMode && string.IsNullOrWhiteSpace(o.SigningSecret))
            errors.Add("Slack:BotToken is set for HTTP mode but Slack:SigningSecret is empty: copy it from Basic Information → App Credentials (or set Slack:SocketMode=true).");
        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _))
            errors.Add("Slack:ApiBaseUrl must be an absolute URL such as https://slack.com/api/.");
        if (o.MaxAttempts < 1) errors.Add("Slack:MaxAttempts must be at least 1.");
        if (o.Workers < 1) errors.Add("Slack:Workers must be at least 1.");
        if (o.QueueCapacity < 1) errors.Add("Slack:QueueCapacity must be at least 1.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
