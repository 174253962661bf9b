using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CrmBot.Web.Cli;

/// <summary>
/// The far side of both channels for `crmbot load`, on 127.0.0.1: a Bot Connector (the Teams replies and
/// late invoke cards) and slack.com (Web API methods and response_url). Every answer is matched to the
/// request that caused it by a key the load client chose: the Teams activity id (replies carry it as
/// replyToId), the Slack response_url path, or the Slack thread_ts of a mention. Waiters get the arrival
/// time and whether the answer is an error text.
/// </summary>
public sealed class LoadFakeChannels : IAsyncDisposable
{
    public const string ResponsePath = "/respond/";
    private const string UploadPath = "/upload/";

    // Texts the bot answers with when it could not answer (ChatEngine, TeamsTurnHandler, SlackTexts), in both languages.
    private static readonly string[] ErrorMarkers = ["try again", "稍後再試", "not linked", "尚未連結"];

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Answer>> _waiting = new(StringComparer.Ordinal);

    private LoadFakeChannels(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>One answer as it arrived: when (Stopwatch timestamp) and the bot's error text, if it was one.</summary>
    public sealed record Answer(long ArrivedAt, string? ErrorText);

    public Uri Address { get; }

    /// <summary>Slack's Web API base for the host (Slack:ApiBaseUrl).</summary>
    public Uri SlackApi => new(Address, "api/");

    /// <summary>Bot Connector service URL for the activities the client sends.</summary>
    public Uri ServiceUrl => new(Address, "connector/");

    public static async Task<LoadFakeChannels> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        LoadFakeChannels? fake = null;
        app.Run(http => fake!.HandleAsync(http));
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new LoadFakeChannels(app, new Uri(address + "/"));
        return fake;
    }

    /// <summary>Registers interest in the answer keyed <paramref name="key"/> before the request is sent (so a fast answer is not missed).</summary>
    public Task<Answer> Expect(string key)
    {
        var waiter = new TaskCompletionSource<Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[key] = waiter;
        return waiter.Task;
    }

    /// <summary>Stops waiting for <paramref name="key"/> (answered, or given up on).</summary>
    public void Forget(string key) => _waiting.TryRemove(key, out _);

    public string ResponseUrl(string key) => new Uri(Address, ResponsePath.TrimStart('/') + Uri.EscapeDataString(key)).ToString();

    private async Task HandleAsync(HttpContext http)
    {
        var arrivedAt = Stopwatch.GetTimestamp();
        var path = http.Request.Path.Value ?? "";
        JsonNode? body = null;
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try { body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted); }
            catch (JsonException) { /* not an answer we can match */ }
        }
        else
            await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);   // file uploads

        JsonObject reply = new() { ["ok"] = true };
        if (path.StartsWith(ResponsePath, StringComparison.Ordinal))
            Arrived(Uri.UnescapeDataString(path[ResponsePath.Length..]), body, arrivedAt);
        else if (path.StartsWith("/connector/", StringComparison.Ordinal))
        {
            // Replies (…/activities/{replyToId}) and late invoke cards (…/activities, replyToId in the body); typing is not an answer.
            if (body?["type"]?.GetValue<string>() == "message" && body["replyToId"]?.GetValue<string>() is { } replyTo)
                Arrived(replyTo, body, arrivedAt);
            reply = new JsonObject { ["id"] = Guid.NewGuid().ToString("N") };
        }
        else if (path.StartsWith("/api/", StringComparison.Ordinal))
            reply = SlackMethod(path["/api/".Length..], body, arrivedAt);

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(reply.ToJsonString(), http.RequestAborted);
    }

    private JsonObject SlackMethod(string method, JsonNode? body, long arrivedAt)
    {
        switch (method)
        {
            case "chat.postMessage" or "chat.postEphemeral":
                // Answers to mentions: the client gives each mention its own thread.
                if (body?["thread_ts"]?.GetValue<string>() is { } thread)
                    Arrived(thread, body, arrivedAt);
                return new JsonObject { ["ok"] = true, ["ts"] = "1.000001", ["message_ts"] = "1.000001" };
            case "conversations.open":
                // Each user has their own DM with the bot, as in a real workspace.
                return new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = $"D{body?["users"]?.GetValue<string>()}" } };
            case "files.getUploadURLExternal":
                return new JsonObject { ["ok"] = true, ["upload_url"] = new Uri(Address, UploadPath.TrimStart('/')).ToString(), ["file_id"] = "FLOAD" };
            default:
                return new JsonObject { ["ok"] = true };
        }
    }

    private void Arrived(string key, JsonNode? body, long arrivedAt)
    {
        if (_waiting.TryRemove(key, out var waiter))
            waiter.TrySetResult(new Answer(arrivedAt, ErrorText(body)));
    }

    /// <summary>The first string in the answer holding one of the bot's error texts, else null.</summary>
    public static string? ErrorText(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is var s
            && ErrorMarkers.Any(m => s.Contains(m, StringComparison.OrdinalIgnoreCase)) => s,
        JsonObject o => o.Select(p => ErrorText(p.Value)).FirstOrDefault(t => t is not null),
        JsonArray a => a.Select(ErrorText).FirstOrDefault(t => t is not null),
        _ => null,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
