namespace CrmBot.Slack.Api;

/// <summary>
/// A Slack Web API call that did not succeed. <see cref="Error"/> is Slack's own code from
/// <c>{"ok":false,"error":"…"}</c> (e.g. channel_not_found), or http_NNN / timeout / network_error.
/// </summary>
public class SlackApiException(string method, string error, bool isTransient = false)
    : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;
    public string Error { get; } = error;
    /// <summary>Timeout, network error or 5xx after the bounded retries: worth trying again later.</summary>
    public bool IsTransient { get; } = isTransient;
}

/// <summary>Slack answered 429 with a Retry-After longer than we wait inside one call (or on the last attempt).</summary>
public sealed class SlackRateLimitedException(string method, TimeSpan retryAfter)
    : SlackApiException(method, "ratelimited", isTransient: true)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
