using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams.Connector;

/// <summary>A connector call that failed for good (after the bounded retries). <see cref="RetryAfter"/> is set for 429.</summary>
public sealed class ConnectorException(int statusCode, string? errorCode, string message, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    /// <summary>error.code from the body, or the sub-code Teams puts there (e.g. MessageWritesBlocked).</summary>
    public string? ErrorCode { get; } = errorCode;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The user blocked or uninstalled the bot: retrying will not help.</summary>
    public bool IsWritesBlocked => StatusCode == 403 && ErrorCode is "MessageWritesBlocked" or "ConversationBlockedByUser";
}

/// <summary>
/// The Bot Connector REST API by hand (protocols.md section 2). The serviceUrl keeps its path
/// ("https://smba.trafficmanager.net/amer/" + "v3/…"), ids are escaped, every call carries the bot token
/// (none in local mode), and 429 (Retry-After) / 412 / 502 / 503 / 504 are retried a bounded number of times.
/// </summary>
public sealed class ConnectorClient(IHttpClientFactory http, BotTokenProvider tokens, IOptions<TeamsOptions> options, TimeProvider time, ILogger<ConnectorClient> log)
{
    public const string HttpClientName = "Teams.Connector";

    public Task<string?> ReplyToActivityAsync(string serviceUrl, string conversationId, string replyToId, Activity activity, CancellationToken ct) =>
        SendForIdAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Esc(conversationId)}/activities/{Esc(replyToId)}", activity, ct);

    public Task<string?> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken ct) =>
        SendForIdAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Esc(conversationId)}/activities", activity, ct);

    /// <summary>
    /// A typing indicator: one attempt within <paramref name="timeout"/>, never retried or kept waiting by a Retry-After (a
    /// late one is worth nothing, and the answer must not wait for it).
    /// </summary>
    public async Task SendTypingAsync(string serviceUrl, string conversationId, Activity typing, TimeSpan timeout, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        await SendAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Esc(conversationId)}/activities", typing, bounded.Token, maxRetries: 0);
    }

    public Task<string?> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken ct) =>
        SendForIdAsync(HttpMethod.Put, serviceUrl, $"v3/conversations/{Esc(conversationId)}/activities/{Esc(activityId)}", activity, ct);

    public async Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct)
    {
        var body = await SendAsync(HttpMethod.Post, serviceUrl, "v3/conversations", parameters, ct);
        return body is null ? new ConversationResourceResponse(null, null, null)
            : body.Deserialize<ConversationResourceResponse>(BotJson.Options) ?? new ConversationResourceResponse(null, null, null);
    }

    /// <summary>One member of a conversation (use the team id as conversation id in channels); null when unknown (404).</summary>
    public async Task<TeamsMember?> GetMemberAsync(string serviceUrl, string conversationId, string userId, CancellationToken ct)
    {
        try
        {
            var body = await SendAsync(HttpMethod.Get, serviceUrl, $"v3/conversations/{Esc(conversationId)}/members/{Esc(userId)}", null, ct);
            return body?.Deserialize<TeamsMember>(BotJson.Options);
        }
        catch (ConnectorException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    private async Task<string?> SendForIdAsync(HttpMethod method, string serviceUrl, string path, Activity activity, CancellationToken ct)
    {
        // offline-directline answers 200 with an empty body: success without an id.
        var body = await SendAsync(method, serviceUrl, path, activity, ct);
        return Activity.StringAt(Activity.At(body, "id"));
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string serviceUrl, string path, object? payload, CancellationToken ct,
        int? maxRetries = null)
    {
        var o = options.Value;
        var url = JoinServiceUrl(serviceUrl, path);
        var client = http.CreateClient(HttpClientName);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url);
            if (await tokens.GetTokenAsync(ct) is { } token)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (payload is not null)
                request.Content = JsonContent.Create(payload, payload.GetType(), options: BotJson.Options);

            using var response = await client.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.Headers.TryGetValues("X-Correlating-OperationId", out var correlation))
                log.LogDebug("{Method} {Url} → {Status} (operation {Operation})", method, url, status, string.Join(",", correlation));

            if (response.IsSuccessStatusCode)
                return string.IsNullOrWhiteSpace(text) ? null : TryParse(text);

            var errorCode = ErrorCode(text);
            var retryAfter = RetryAfter(response);
            if (IsRetryable(status) && attempt < (maxRetries ?? o.MaxRetries))
            {
                var delay = retryAfter ?? Backoff(o.RetryBaseDelay, attempt);
                if (delay <= o.MaxRetryAfter)
                {
                    log.LogInformation("{Method} {Url} → {Status}; retry {Attempt} of {Max} in {Delay}", method, url, status, attempt + 1, maxRetries ?? o.MaxRetries, delay);
                    await Task.Delay(delay, time, ct);
                    continue;
                }
            }
            log.LogWarning("{Method} {Url} failed with {Status} {Code}", method, url, status, errorCode);
            throw new ConnectorException(status, errorCode, $"{method} {path} answered {status} {errorCode}", status == 429 ? retryAfter : null);
        }
    }

    /// <summary>serviceUrl + "/" + path: a leading "/" on the path would drop the serviceUrl's own path ("/amer/").</summary>
    public static Uri JoinServiceUrl(string serviceUrl, string path)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
            throw new ConnectorException(400, "BadServiceUrl", $"serviceUrl '{serviceUrl}' is not an absolute http(s) URL");
        return new Uri(serviceUrl.TrimEnd('/') + "/" + path.TrimStart('/'));
    }

    private static string Esc(string id) => Uri.EscapeDataString(id);

    // 429 throttled; 412 (Teams asks to retry: conversation not ready); 502/503/504 transient gateway errors.
    private static bool IsRetryable(int status) => status is 429 or 412 or 502 or 503 or 504;

    private static TimeSpan Backoff(TimeSpan baseDelay, int attempt)
    {
        // Exponential with "equal jitter": half fixed, half random, so parallel senders spread out.
        var exp = baseDelay * Math.Pow(2, attempt);
        return exp / 2 + exp / 2 * Random.Shared.NextDouble();
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - time.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
        return null;
    }

    private static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }

    /// <summary>error.code, or a more specific code nested in it (Teams reports MessageWritesBlocked as a sub-code).</summary>
    private static string? ErrorCode(string text)
    {
        if (text.Contains("MessageWritesBlocked", StringComparison.Ordinal)) return "MessageWritesBlocked";
        var error = Activity.At(TryParse(text), "error");
        return Activity.StringAt(Activity.At(error, "subCode")) ?? Activity.StringAt(Activity.At(error, "code"));
    }
}
