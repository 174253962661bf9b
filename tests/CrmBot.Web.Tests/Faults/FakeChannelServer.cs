using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace CrmBot.Web.Tests.Faults;

public sealed record ChannelRequest(string Method, string Path, string Body);

/// <summary>
/// A fake Bot Connector and Slack Web API (with response_url) on 127.0.0.1 that records every request.
/// By default it accepts everything; <see cref="Respond"/> can answer otherwise, or never (a hung server).
/// </summary>
public sealed class FakeChannelServer : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly ConcurrentQueue<ChannelRequest> _requests = new();

    public string Url => _server.Url;
    public IReadOnlyList<ChannelRequest> Requests => _requests.ToArray();

    /// <summary>Status and JSON body for a request; null = the default answer. May wait (forever, to play a hung server).</summary>
    public Func<ChannelRequest, CancellationToken, Task<(int Status, string Body)?>> Respond { get; set; } = (_, _) => Task.FromResult<(int, string)?>(null);

    public static async Task<FakeChannelServer> StartAsync()
    {
        var server = new FakeChannelServer();
        server._server = await LoopbackServer.StartAsync(server.HandleAsync);
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var request = new ChannelRequest(http.Request.Method, http.Request.Path.Value ?? "", await reader.ReadToEndAsync());
        _requests.Enqueue(request);
        var (status, body) = await Respond(request, http.RequestAborted) ?? DefaultAnswer(request.Path);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body);
    }

    private static (int, string) DefaultAnswer(string path) => path switch
    {
        _ when path.StartsWith("/api/") => (200, """{"ok":true,"ts":"1700000000.000100","channel":{"id":"D0BOT"}}"""),
        _ when path.Contains("/members/") => (404, """{"error":{"code":"MemberNotFound","message":"no"}}"""),
        _ => (200, $$"""{"id":"{{Guid.NewGuid():N}}"}"""),
    };

    /// <summary>Waits (polling, bounded) until a matching request arrived.</summary>
    public async Task<ChannelRequest> WaitForAsync(Func<ChannelRequest, bool> match, int timeoutSeconds = 20)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!deadline.IsCancellationRequested)
        {
            if (_requests.FirstOrDefault(match) is { } found)
                return found;
            await Task.Delay(20);
        }
        throw new TimeoutException("expected request never arrived; got: " + string.Join(", ", _requests.Select(r => r.Method + " " + r.Path)));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
