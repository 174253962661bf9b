using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmBot.Slack.Tests.Fakes;

/// <summary>
/// A fake of Slack on 127.0.0.1 that records every request it gets: the Web API (/api/{method}),
/// response_url targets (/respond/{id}), file upload URLs (/upload/{id}) and a Socket Mode WebSocket
/// endpoint (/socket) driven by the test. Answers are Slack-shaped defaults unless a test scripts one.
/// </summary>
public sealed class FakeSlackServer : IAsyncDisposable
{
    public sealed record Call(string Name, string? Authorization, string ContentType, byte[] Body,
        IReadOnlyDictionary<string, string> Form, JsonObject? Json)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    /// <summary>A Socket Mode connection the bot opened; the test speaks Slack's side of it.</summary>
    public sealed class ServerSocket(WebSocket socket, int number)
    {
        internal readonly TaskCompletionSource Finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public WebSocket Socket { get; } = socket;
        public int Number { get; } = number;

        public Task SendAsync(JsonObject frame) =>
            Socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

        /// <summary>The next frame from the bot, or null when it closed the socket.</summary>
        public async Task<JsonObject?> ReceiveAsync(TimeSpan? timeout = null)
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
            using var message = new MemoryStream();
            var buffer = new byte[8192];
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage) return (JsonObject)JsonNode.Parse(message.ToArray())!;
            }
        }

        public void Finish() => Finished.TrySetResult();
    }

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Call> _calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task>>> _scripted = new();
    private readonly Channel<ServerSocket> _sockets = Channel.CreateUnbounded<ServerSocket>();
    private readonly ConcurrentBag<ServerSocket> _allSockets = [];
    private int _socketCount;

    /// <summary>Messages posted (chat.postMessage) and updated (chat.update) by the bot: (channel, ts) → the message.</summary>
    public ConcurrentDictionary<(string Channel, string Ts), JsonObject> Messages { get; } = new();
    private int _posted;

    /// <summary>users.info answers: Slack user id → profile e-mail.</summary>
    public ConcurrentDictionary<string, string> Emails { get; } = new();

    public string Root { get; private set; } = "";
    public string ApiBaseUrl => Root + "api/";
    public string ResponseUrl(string id) => Root + "respond/" + id;

    private FakeSlackServer(WebApplication app) => _app = app;

    public static async Task<FakeSlackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeSlackServer(app);
        app.UseWebSockets();
        app.Map("/socket", server.AcceptSocketAsync);
        app.MapPost("/api/{method}", (HttpContext http, string method) => server.RecordAndAnswerAsync(http, method));
        app.MapPost("/respond/{id}", (HttpContext http) => server.RecordAndAnswerAsync(http, "response_url"));
        app.MapPost("/upload/{id}", (HttpContext http) => server.RecordAndAnswerAsync(http, "upload"));
        await app.StartAsync();
        server.Root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
        return server;
    }

    /// <summary>The next call of <paramref name="name"/> gets this answer instead of the default.</summary>
    public void Script(string name, int status, string body, params (string Header, string Value)[] headers) =>
        Script(name, async http =>
        {
            http.Response.StatusCode = status;
            foreach (var (header, value) in headers) http.Response.Headers[header] = value;
            http.Response.ContentType = body.StartsWith('{') ? "application/json" : "text/plain";
            await http.Response.WriteAsync(body);
        });

    public void Script(string name, Func<HttpContext, Task> answer) =>
        _scripted.GetOrAdd(name, _ => new ConcurrentQueue<Func<HttpContext, Task>>()).Enqueue(answer);

    public IReadOnlyList<Call> Calls(string name) => _calls.Where(c => c.Name == name).ToList();

    public IReadOnlyList<Call> AllCalls => _calls.ToList();

    /// <summary>Waits (up to 10 s) for a matching call: the bot answers in the background.</summary>
    public async Task<Call> WaitForAsync(string name, Func<Call, bool>? match = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var found = _calls.FirstOrDefault(c => c.Name == name && (match?.Invoke(c) ?? true));
            if (found is not null) return found;
            await Task.Delay(20);
        }
        throw new TimeoutException($"No {name} call arrived. Calls: {string.Join(", ", _calls.Select(c => c.Name))}");
    }

    /// <summary>The next Socket Mode connection the bot opens.</summary>
    public async Task<ServerSocket> NextSocketAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _sockets.Reader.ReadAsync(cts.Token);
    }

    private async Task AcceptSocketAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest) { http.Response.StatusCode = 400; return; }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var session = new ServerSocket(socket, Interlocked.Increment(ref _socketCount));
        _allSockets.Add(session);
        await _sockets.Writer.WriteAsync(session);
        await session.Finished.Task.WaitAsync(http.RequestAborted);
    }

    private async Task RecordAndAnswerAsync(HttpContext http, string name)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var contentType = http.Request.ContentType ?? "";
        var form = contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal)
            ? QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)).ToDictionary(p => p.Key, p => p.Value.ToString())
            : new Dictionary<string, string>();
        JsonObject? json = null;
        if (contentType.StartsWith("application/json", StringComparison.Ordinal))
            json = JsonNode.Parse(body) as JsonObject;
        var call = new Call(name, http.Request.Headers.Authorization.ToString(), contentType, body, form, json);
        _calls.Enqueue(call);

        if (_scripted.TryGetValue(name, out var queue) && queue.TryDequeue(out var answer))
        {
            await answer(http);
            return;
        }
        if (name is "response_url" or "upload")
        {
            await http.Response.WriteAsync("ok");
            return;
        }
        await http.Response.WriteAsJsonAsync(DefaultAnswer(name, call));
    }

    private JsonObject DefaultAnswer(string method, Call call)
    {
        string? Arg(string key) => call.Json?[key]?.GetValue<string>() ?? call.Form.GetValueOrDefault(key);
        return method switch
        {
            "chat.postMessage" => Store(Arg("channel"), $"1700000000.{Interlocked.Increment(ref _posted) * 100:000000}", call.Json),
            "chat.update" => Store(Arg("channel"), Arg("ts"), call.Json),
            "conversations.history" => new JsonObject
            {
                ["ok"] = true,
                ["messages"] = Messages.TryGetValue((Arg("channel") ?? "", Arg("latest") ?? ""), out var stored) ? new JsonArray(stored.DeepClone()) : new JsonArray(),
            },
            "chat.postEphemeral" => new JsonObject { ["ok"] = true, ["message_ts"] = "1700000000.000200" },
            "conversations.open" => new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + Arg("users") } },
            "users.info" => Emails.TryGetValue(Arg("user") ?? "", out var email)
                ? new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = Arg("user"), ["profile"] = new JsonObject { ["email"] = email } } }
                : new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = Arg("user"), ["profile"] = new JsonObject() } },
            "users.lookupByEmail" => Emails.FirstOrDefault(e => e.Value == Arg("email")) is { Key: not null } found
                ? new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = found.Key } }
                : new JsonObject { ["ok"] = false, ["error"] = "users_not_found" },
            "views.open" => new JsonObject { ["ok"] = true, ["view"] = new JsonObject { ["id"] = "V1" } },
            "files.getUploadURLExternal" => new JsonObject { ["ok"] = true, ["upload_url"] = Root + "upload/F123", ["file_id"] = "F123" },
            "files.completeUploadExternal" => new JsonObject { ["ok"] = true, ["files"] = new JsonArray(new JsonObject { ["id"] = "F123" }) },
            "apps.connections.open" => new JsonObject { ["ok"] = true, ["url"] = Root.Replace("http://", "ws://") + "socket?ticket=" + Guid.NewGuid().ToString("N") },
            _ => new JsonObject { ["ok"] = false, ["error"] = "unknown_method" },
        };
    }

    private JsonObject Store(string? channel, string? ts, JsonObject? message)
    {
        if (channel is not null && ts is not null && message is not null)
        {
            var stored = (JsonObject)message.DeepClone();
            stored["ts"] = ts;
            Messages[(channel, ts)] = stored;
        }
        return new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _allSockets) socket.Finish();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
