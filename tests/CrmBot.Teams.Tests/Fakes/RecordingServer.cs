using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmBot.Teams.Tests.Fakes;

public sealed record RecordedRequest(string Method, string RawTarget, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

public sealed record FakeResponse(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeResponse Json(string body) => new(200, body);
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, random port) that records every request and answers with
/// <see cref="Respond"/>: the fake Bot Connector, token endpoint and OpenID metadata server of the tests.
/// </summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private RecordingServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";
    public Func<RecordedRequest, FakeResponse> Respond { get; set; } = _ => new FakeResponse(200, "{\"id\":\"1\"}");
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Awaited before answering: a slow or hung server (it gets the request-aborted token).</summary>
    public Func<RecordedRequest, CancellationToken, Task>? Stall { get; set; }

    /// <param name="url">http://127.0.0.1:0 (any free port), or a fixed one to play a server that comes back.</param>
    public static async Task<RecordingServer> StartAsync(Func<RecordedRequest, FakeResponse>? respond = null, string url = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new RecordingServer(app);
        if (respond is not null) server.Respond = respond;
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var request = new RecordedRequest(http.Request.Method, http.Features.Get<IHttpRequestFeature>()!.RawTarget, http.Request.Path.Value ?? "",
            http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body);
        _requests.Enqueue(request);
        if (Stall is { } stall)
            await stall(request, http.RequestAborted);
        var response = Respond(request);
        http.Response.StatusCode = response.Status;
        foreach (var (k, v) in response.Headers ?? new Dictionary<string, string>())
            http.Response.Headers[k] = v;
        if (response.Body is not null)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(response.Body);
        }
    }

    /// <summary>Waits (polling, bounded) until a matching request arrived.</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, int timeoutSeconds = 10)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!deadline.IsCancellationRequested)
        {
            if (_requests.FirstOrDefault(match) is { } found)
                return found;
            await Task.Delay(20);
        }
        throw new TimeoutException("expected request never arrived; got: " + string.Join(", ", _requests.Select(r => r.Method + " " + r.RawTarget)));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
