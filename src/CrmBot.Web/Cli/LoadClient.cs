using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Slack.Http;
using CrmBot.Slack.Inbound;
using CrmBot.Teams;

namespace CrmBot.Web.Cli;

/// <summary>What a virtual user sends; each is answered a different way (see <see cref="LoadClient"/>).</summary>
public enum LoadRequestKind { TeamsInvoke, TeamsMessage, SlackCommand, SlackMention, SlackButton }

/// <summary>One request's outcome: end to end (request sent → answer in hand), the Slack ack, or what went wrong.</summary>
public sealed record LoadSample(LoadRequestKind Kind, double? EndToEndMs, double? AckMs, string? Error);

/// <summary>
/// The requests of `crmbot load`, as the channels send them, to the real host:
/// Teams invoke (Action.Execute "run": the card comes back in the response, or, past the invoke budget,
/// later through the connector), Teams message (answered through the connector), Slack slash command and
/// block_actions button (answered at response_url), Slack app_mention (answered with chat.postMessage in its
/// thread). Each answer is awaited at <see cref="LoadFakeChannels"/> up to <see cref="AnswerDeadline"/>.
/// </summary>
public sealed class LoadClient(HttpClient http, LoadFakeChannels fake, string slackSigningSecret)
{
    /// <summary>A request whose answer has not arrived by then counts as an error ("no answer").</summary>
    public static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private const string SlackBotUserId = "UBOTLOAD";
    // Keys are unique across runs too: Slack event ids are remembered in the database (de-duplication).
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private long _sequence;

    public static IReadOnlyList<LoadRequestKind> KindsFor(LoadChannel channel) => channel == LoadChannel.Teams
        ? [LoadRequestKind.TeamsInvoke, LoadRequestKind.TeamsMessage]
        : [LoadRequestKind.SlackCommand, LoadRequestKind.SlackMention, LoadRequestKind.SlackButton];

    public async Task<LoadSample> SendAsync(LoadRequestKind kind, LoadUser user, string sentence, CancellationToken ct)
    {
        var key = $"load-{_run}-{Interlocked.Increment(ref _sequence)}";
        var answer = fake.Expect(key);
        try
        {
            return kind switch
            {
                LoadRequestKind.TeamsInvoke => await TeamsInvokeAsync(key, answer, user, sentence, ct),
                LoadRequestKind.TeamsMessage => await AwaitAnswerAsync(kind, answer, await PostAsync(TeamsMessageRequest(key, user, sentence), ct), ct),
                LoadRequestKind.SlackCommand => await AwaitAnswerAsync(kind, answer, await PostAsync(SlackCommandRequest(key, user, sentence), ct), ct),
                LoadRequestKind.SlackMention => await AwaitAnswerAsync(kind, answer, await PostAsync(SlackMentionRequest(key, user, sentence), ct), ct),
                _ => await AwaitAnswerAsync(kind, answer, await PostAsync(SlackButtonRequest(key, user, sentence), ct), ct),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            return new LoadSample(kind, null, null, ct.IsCancellationRequested ? "stopped at the hard time cap" : $"request failed: {e.GetBaseException().Message}");
        }
        finally
        {
            fake.Forget(key);
        }
    }

    private sealed record Sent(long StartedAt, double AckMs, int Status, string Body);

    private async Task<Sent> PostAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var _ = request;
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return new Sent(started, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (int)response.StatusCode, body);
    }

    /// <summary>Checks the ack, then waits (bounded) for the answer at the fake.</summary>
    private static async Task<LoadSample> AwaitAnswerAsync(LoadRequestKind kind, Task<LoadFakeChannels.Answer> answer, Sent sent, CancellationToken ct)
    {
        var ack = kind == LoadRequestKind.TeamsMessage ? (double?)null : sent.AckMs;
        if (sent.Status is < 200 or > 299)
            return new LoadSample(kind, null, ack, $"HTTP {sent.Status}");
        if (sent.Body.Length > 0 && LoadFakeChannels.ErrorText(TryParse(sent.Body)) is { } ackError)
            return new LoadSample(kind, null, ack, $"ack: {ackError}");   // e.g. Slack's "busy" when its queue is full
        return await AnsweredAsync(kind, answer, sent.StartedAt, ack, ct);
    }

    private static async Task<LoadSample> AnsweredAsync(LoadRequestKind kind, Task<LoadFakeChannels.Answer> answer, long startedAt, double? ack, CancellationToken ct)
    {
        var left = AnswerDeadline - Stopwatch.GetElapsedTime(startedAt);
        if (left <= TimeSpan.Zero || await Task.WhenAny(answer, Task.Delay(left, ct)) != answer)
        {
            ct.ThrowIfCancellationRequested();
            return new LoadSample(kind, null, ack, $"no answer within {AnswerDeadline.TotalSeconds:0} s");
        }
        var arrived = await answer;
        var endToEnd = Stopwatch.GetElapsedTime(startedAt, arrived.ArrivedAt).TotalMilliseconds;
        return new LoadSample(kind, endToEnd, ack, arrived.ErrorText is { } error ? $"error reply: {error}" : null);
    }

    /// <summary>The card in the response; or "working on it" in the response and the card through the connector later.</summary>
    private async Task<LoadSample> TeamsInvokeAsync(string key, Task<LoadFakeChannels.Answer> late, LoadUser user, string sentence, CancellationToken ct)
    {
        var kind = LoadRequestKind.TeamsInvoke;
        var activity = TeamsActivity(key, user, "invoke");
        activity["name"] = "adaptiveCard/action";
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = CardVerbs.Run, ["data"] = new JsonObject { ["command"] = sentence } },
        };
        var sent = await PostAsync(new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) }, ct);
        if (sent.Status is < 200 or > 299)
            return new LoadSample(kind, null, null, $"HTTP {sent.Status}");
        var response = TryParse(sent.Body);
        var type = response?["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        if (response?["statusCode"]?.GetValueKind() != JsonValueKind.Number || response["statusCode"]!.GetValue<int>() != 200)
            return new LoadSample(kind, null, null, $"invoke answered {Shorten(sent.Body)}");
        if (LoadFakeChannels.ErrorText(response["value"]) is { } error)
            return new LoadSample(kind, null, null, $"error reply: {error}");
        // A card, or a short message that is the answer itself (an error that keeps the clicked card, "sent to you
        // privately"); only "working on it" means the card follows through the connector.
        var text = response["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (type == "application/vnd.microsoft.card.adaptive" || text != TeamsEndpoint.WorkingOnIt(activity["locale"]?.GetValue<string>()))
            return new LoadSample(kind, sent.AckMs, null, null);
        return await AnsweredAsync(kind, late, sent.StartedAt, null, ct);   // past the invoke budget: the card follows
    }

    private HttpRequestMessage TeamsMessageRequest(string key, LoadUser user, string sentence)
    {
        var activity = TeamsActivity(key, user, "message");
        activity["text"] = sentence;
        return new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) };
    }

    private JsonObject TeamsActivity(string id, LoadUser user, string type) => new()
    {
        ["type"] = type,
        ["id"] = id,
        ["channelId"] = LoadUsers.TeamsWorkspace,
        ["serviceUrl"] = fake.ServiceUrl.ToString(),
        ["locale"] = user.Chinese ? "zh-TW" : "en-US",
        ["from"] = new JsonObject { ["id"] = user.PlatformUserId, ["name"] = $"Load user {user.Index}" },
        ["recipient"] = new JsonObject { ["id"] = "load-bot", ["name"] = "CrmBot" },
        ["conversation"] = new JsonObject { ["id"] = user.Conversation, ["conversationType"] = "personal" },
    };

    private HttpRequestMessage SlackCommandRequest(string key, LoadUser user, string sentence) => SignedSlack("/slack/commands",
        $"team_id={LoadUsers.SlackTeamId}&user_id={user.PlatformUserId}&channel_id={user.Conversation}&command=%2Fcrm" +
        $"&text={Uri.EscapeDataString(sentence)}&response_url={Uri.EscapeDataString(fake.ResponseUrl(key))}&trigger_id={key}",
        "application/x-www-form-urlencoded");

    /// <summary>An @-mention in a thread of its own: the answer is posted in that thread, which is how it is recognised.</summary>
    private HttpRequestMessage SlackMentionRequest(string key, LoadUser user, string sentence)
    {
        var envelope = new JsonObject
        {
            ["type"] = "event_callback",
            ["team_id"] = LoadUsers.SlackTeamId,
            ["api_app_id"] = "ALOAD",
            ["event_id"] = $"Ev{key}",
            ["event_time"] = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = LoadUsers.SlackTeamId, ["user_id"] = SlackBotUserId, ["is_bot"] = true }),
            ["event"] = new JsonObject
            {
                ["type"] = "app_mention",
                ["user"] = user.PlatformUserId,
                ["text"] = $"<@{SlackBotUserId}> {sentence}",
                ["ts"] = key,
                ["thread_ts"] = key,
                ["channel"] = user.Conversation,
                ["team"] = LoadUsers.SlackTeamId,
            },
        };
        return SignedSlack("/slack/events", envelope.ToJsonString(), "application/json");
    }

    /// <summary>A click on a "run" button of an earlier answer (as Block Kit renders it: action_id verb:index, value = JSON data).</summary>
    private HttpRequestMessage SlackButtonRequest(string key, LoadUser user, string sentence)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = LoadUsers.SlackTeamId },
            ["user"] = new JsonObject { ["id"] = user.PlatformUserId, ["team_id"] = LoadUsers.SlackTeamId },
            ["channel"] = new JsonObject { ["id"] = user.Conversation },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1.000001", ["channel_id"] = user.Conversation },
            ["response_url"] = fake.ResponseUrl(key),
            ["trigger_id"] = key,
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button",
                ["block_id"] = "load",
                ["action_id"] = SlackActionCodec.ActionId(CardVerbs.Run, 0),
                ["value"] = SlackActionCodec.Value(new Dictionary<string, string> { ["command"] = sentence }),
            }),
        };
        return SignedSlack("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), "application/x-www-form-urlencoded");
    }

    private HttpRequestMessage SignedSlack(string path, string text, string contentType)
    {
        var body = Encoding.UTF8.GetBytes(text);
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new(contentType);
        request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
        request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(slackSigningSecret, timestamp, body));
        return request;
    }

    private static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }

    private static string Shorten(string text) => text.Length > 120 ? text[..120] + "…" : text;
}
