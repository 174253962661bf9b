using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Slack.Api;

/// <summary>The channel posted to and the message timestamp Slack assigned.</summary>
public sealed record SlackPostedMessage(string Channel, string Ts);

/// <summary>What users.info tells about a user: their profile e-mail, and whether they are a guest (restricted) account.</summary>
public sealed record SlackUserProfile(string? Email, bool IsGuest);

/// <summary>
/// The Slack Web API calls CrmBot makes, by hand (SlackNet is not available). Reads are form-encoded
/// and writes are JSON (protocols.md §7); every call has a timeout; 429 pauses that method for its
/// Retry-After and is retried; timeouts and 5xx are retried with backoff; ok:false surfaces its code.
/// </summary>
public sealed class SlackApiClient(HttpClient http, SlackRateLimits limits, IOptions<SlackOptions> options, TimeProvider clock,
    ILogger<SlackApiClient> log)
{
    private readonly SlackOptions _options = options.Value;
    private ConcurrentDictionary<string, DateTimeOffset> PausedUntil => limits.PausedUntil;

    public Task<SlackPostedMessage> PostMessageAsync(string channel, JsonObject message, CancellationToken ct) =>
        PostAndReadTsAsync("chat.postMessage", With(message, ("channel", channel)), "ts", ct);

    public Task<SlackPostedMessage> PostEphemeralAsync(string channel, string user, JsonObject message, CancellationToken ct) =>
        PostAndReadTsAsync("chat.postEphemeral", With(message, ("channel", channel), ("user", user)), "message_ts", ct);

    public Task<SlackPostedMessage> UpdateAsync(string channel, string ts, JsonObject message, CancellationToken ct) =>
        PostAndReadTsAsync("chat.update", With(message, ("channel", channel), ("ts", ts)), "ts", ct);

    /// <summary>The DM channel (D…) with a user; idempotent on Slack's side.</summary>
    /// <summary>One message of a conversation by its ts (conversations.history), or null when it is gone.</summary>
    public async Task<JsonObject?> ReadMessageAsync(string channel, string ts, CancellationToken ct)
    {
        var result = await ReadAsync("conversations.history",
            [new("channel", channel), new("latest", ts), new("oldest", ts), new("inclusive", "true"), new("limit", "1")], ct);
        return (result["messages"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(m => m["ts"] is JsonValue v && v.TryGetValue<string>(out var found) && found == ts);
    }

    public async Task<string> OpenConversationAsync(string userId, CancellationToken ct)
    {
        var result = await WriteAsync("conversations.open", new JsonObject { ["users"] = userId, ["return_im"] = true }, ct);
        return result["channel"]?["id"]?.GetValue<string>() ?? throw new SlackApiException("conversations.open", "missing_channel_id");
    }

    /// <summary>users.info: profile.email (needs users:read.email; null when the profile has none) and whether the user is a guest.</summary>
    public async Task<SlackUserProfile> GetUserProfileAsync(string userId, CancellationToken ct)
    {
        var result = await ReadAsync("users.info", [new("user", userId)], ct);
        var user = result["user"];
        var email = user?["profile"]?["email"]?.GetValue<string>();
        // Multi-channel guests are is_restricted, single-channel guests is_ultra_restricted (protocols.md).
        var guest = IsTrue(user?["is_restricted"]) || IsTrue(user?["is_ultra_restricted"]);
        return new SlackUserProfile(string.IsNullOrWhiteSpace(email) ? null : email, guest);
    }

    private static bool IsTrue(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;

    /// <summary>The Slack user id with this e-mail, or null (users_not_found).</summary>
    public async Task<string?> LookupUserByEmailAsync(string email, CancellationToken ct)
    {
        try
        {
            var result = await ReadAsync("users.lookupByEmail", [new("email", email)], ct);
            return result["user"]?["id"]?.GetValue<string>();
        }
        catch (SlackApiException e) when (e.Error == "users_not_found")
        {
            return null;
        }
    }

    /// <summary>Opens a modal; the trigger_id is single-use and expires 3 s after the click.</summary>
    public Task<JsonObject> OpenViewAsync(string triggerId, JsonObject view, CancellationToken ct) =>
        WriteAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, ct);

    /// <summary>
    /// The three-step upload (files.upload is deprecated): get an upload URL, POST the bytes, complete
    /// the upload into a channel. Returns the file id (for an image block's slack_file).
    /// </summary>
    public async Task<string> UploadFileAsync(string channelId, string fileName, byte[] content, string title, string? altText,
        string? threadTs, CancellationToken ct)
    {
        List<KeyValuePair<string, string>> args = [new("filename", fileName), new("length", content.Length.ToString(CultureInfo.InvariantCulture))];
        if (altText is not null) args.Add(new("alt_txt", altText));
        var ticket = await ReadAsync("files.getUploadURLExternal", args, ct);
        var uploadUrl = ticket["upload_url"]?.GetValue<string>() ?? throw new SlackApiException("files.getUploadURLExternal", "missing_upload_url");
        var fileId = ticket["file_id"]?.GetValue<string>() ?? throw new SlackApiException("files.getUploadURLExternal", "missing_file_id");

        await SendAsync("files.upload_url", () =>
        {
            var bytes = new ByteArrayContent(content);
            bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return new HttpRequestMessage(HttpMethod.Post, uploadUrl) { Content = bytes };
        }, expectJson: false, ct);

        List<KeyValuePair<string, string>> complete =
        [
            new("files", new JsonArray(new JsonObject { ["id"] = fileId, ["title"] = title }).ToJsonString()),
            new("channel_id", channelId),
        ];
        if (threadTs is not null) complete.Add(new("thread_ts", threadTs));
        // Form-encoded like the official SDK: `files` is a JSON string parameter.
        await ReadAsync("files.completeUploadExternal", complete, ct);
        return fileId;
    }

    /// <summary>A Socket Mode WebSocket URL; the app-level token goes only in the Authorization header.</summary>
    public async Task<Uri> OpenSocketConnectionAsync(CancellationToken ct)
    {
        var token = _options.AppToken ?? throw new InvalidOperationException("Slack:AppToken is not configured.");
        var result = await SendAsync("apps.connections.open", () => Authorized(
            new HttpRequestMessage(HttpMethod.Post, MethodUrl("apps.connections.open")), token), expectJson: true, ct);
        var url = result["url"]?.GetValue<string>() ?? throw new SlackApiException("apps.connections.open", "missing_url");
        return new Uri(url);
    }

    /// <summary>Answers through a payload's response_url (no token; usable 5 times within 30 minutes).</summary>
    public Task RespondAsync(string responseUrl, JsonObject message, CancellationToken ct) =>
        SendAsync("response_url", () => new HttpRequestMessage(HttpMethod.Post, responseUrl) { Content = JsonContent.Create(message) },
            expectJson: false, ct);

    /// <summary>A write method with a JSON body.</summary>
    public Task<JsonObject> WriteAsync(string method, JsonObject body, CancellationToken ct) =>
        SendAsync(method, () => Authorized(new HttpRequestMessage(HttpMethod.Post, MethodUrl(method))
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        }, BotToken), expectJson: true, ct);

    /// <summary>A read method with form-encoded arguments (some reads ignore JSON bodies).</summary>
    public Task<JsonObject> ReadAsync(string method, IEnumerable<KeyValuePair<string, string>> args, CancellationToken ct)
    {
        var list = args.ToList();
        return SendAsync(method, () => Authorized(new HttpRequestMessage(HttpMethod.Post, MethodUrl(method))
        {
            Content = new FormUrlEncodedContent(list),
        }, BotToken), expectJson: true, ct);
    }

    private async Task<SlackPostedMessage> PostAndReadTsAsync(string method, JsonObject body, string tsField, CancellationToken ct)
    {
        var result = await WriteAsync(method, body, ct);
        var channel = result["channel"]?.GetValue<string>() ?? body["channel"]?.GetValue<string>() ?? "";
        return new SlackPostedMessage(channel, result[tsField]?.GetValue<string>() ?? "");
    }

    private async Task<JsonObject> SendAsync(string method, Func<HttpRequestMessage> build, bool expectJson, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await WaitWhilePausedAsync(method, ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.RequestTimeout);
            HttpResponseMessage response;
            try
            {
                using var request = build();
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
            {
                var error = e is OperationCanceledException ? "timeout" : "network_error";
                log.LogWarning("Slack {Method} attempt {Attempt} failed: {Error}", method, attempt, error);
                if (attempt >= _options.MaxAttempts) throw new SlackApiException(method, error, isTransient: true);
                await BackoffAsync(attempt, ct);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var wait = RetryAfter(response);
                    PausedUntil[method] = clock.GetUtcNow() + wait;
                    log.LogWarning("Slack {Method} rate limited; Retry-After {Seconds} s", method, wait.TotalSeconds);
                    if (attempt >= _options.MaxAttempts || wait > _options.MaxRetryAfterWait)
                        throw new SlackRateLimitedException(method, wait);
                    continue;
                }
                if ((int)response.StatusCode >= 500)
                {
                    log.LogWarning("Slack {Method} attempt {Attempt} answered HTTP {Status}", method, attempt, (int)response.StatusCode);
                    if (attempt >= _options.MaxAttempts) throw new SlackApiException(method, $"http_{(int)response.StatusCode}", isTransient: true);
                    await BackoffAsync(attempt, ct);
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    // response_url answers 404 "expired_url" / "used_url" as plain text: surface that code.
                    var code = text.Length is > 0 and <= 64 && !text.Contains(' ') ? text : $"http_{(int)response.StatusCode}";
                    log.LogWarning("Slack {Method} answered HTTP {Status}: {Error}", method, (int)response.StatusCode, code);
                    throw new SlackApiException(method, code);
                }
                if (!expectJson) return [];
                return ParseResult(method, text);
            }
        }
    }

    private JsonObject ParseResult(string method, string text)
    {
        JsonObject? result;
        try { result = JsonNode.Parse(text) as JsonObject; }
        catch (JsonException) { result = null; }
        if (result is null) throw new SlackApiException(method, "invalid_response");
        if (result["ok"]?.GetValueKind() == JsonValueKind.True)
            return result;
        var error = result["error"]?.GetValue<string>() ?? "unknown_error";
        log.LogWarning("Slack {Method} returned ok:false with error {Error}", method, error);
        throw new SlackApiException(method, error);
    }

    private async Task WaitWhilePausedAsync(string method, CancellationToken ct)
    {
        if (!PausedUntil.TryGetValue(method, out var until)) return;
        var wait = until - clock.GetUtcNow();
        if (wait <= TimeSpan.Zero) return;
        if (wait > _options.MaxRetryAfterWait) throw new SlackRateLimitedException(method, wait);
        await Task.Delay(wait, clock, ct);
    }

    // 0.5 s, 1 s, 2 s… plus up to 250 ms of jitter, so instances that failed together do not retry together.
    private Task BackoffAsync(int attempt, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt - 1) + Random.Shared.Next(250)), clock, ct);

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta) return delta;
        if (response.Headers.RetryAfter?.Date is { } date) return date - clock.GetUtcNow();
        // Slack always sends Retry-After; without one, wait a second (about one call per second per method).
        return TimeSpan.FromSeconds(1);
    }

    private Uri MethodUrl(string method) => new(new Uri(_options.ApiBaseUrl.EndsWith('/') ? _options.ApiBaseUrl : _options.ApiBaseUrl + "/"), method);

    private string BotToken => _options.BotToken ?? throw new InvalidOperationException("Slack:BotToken is not configured.");

    private static HttpRequestMessage Authorized(HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static JsonObject With(JsonObject message, params (string Key, string Value)[] fields)
    {
        var body = (JsonObject)message.DeepClone();
        foreach (var (key, value) in fields) body[key] = value;
        return body;
    }
}

/// <summary>
/// Methods paused by a 429, shared by every <see cref="SlackApiClient"/> instance (one singleton).
/// Slack scopes a 429 to method × workspace × app; CrmBot is one app in one workspace, so the method
/// name is the key, and every call of a paused method waits until the pause is over.
/// </summary>
public sealed class SlackRateLimits
{
    internal ConcurrentDictionary<string, DateTimeOffset> PausedUntil { get; } = new(StringComparer.Ordinal);
}
