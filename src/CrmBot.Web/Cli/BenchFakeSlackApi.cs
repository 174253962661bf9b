using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CrmBot.Web.Cli;

/// <summary>
/// A tiny stand-in for slack.com on 127.0.0.1 (Web API methods, response_url, file uploads): answers what the
/// bot's background Slack work needs (a DM channel, an upload URL, otherwise {"ok":true}) so it completes
/// during `bench http`; counts response_url posts.
/// </summary>
public sealed class BenchFakeSlackApi : IAsyncDisposable
{
    public const string ResponsePath = "/respond/";
    private readonly WebApplication _app;
    private int _responses;

    private BenchFakeSlackApi(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Answers posted to a response_url: slash commands whose background turn finished.</summary>
    public int Responses => Volatile.Read(ref _responses);

    public static async Task<BenchFakeSlackApi> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        BenchFakeSlackApi? fake = null;
        app.Run(async http =>
        {
            if (http.Request.Path.StartsWithSegments(ResponsePath.TrimEnd('/')))
                Interlocked.Increment(ref fake!._responses);
            await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted); // chart uploads
            http.Response.ContentType = "application/json";
            var answer = http.Request.Path.Value switch
            {
                "/api/conversations.open" => """{"ok":true,"channel":{"id":"DBENCH"}}""",
                "/api/files.getUploadURLExternal" => $$"""{"ok":true,"upload_url":"{{fake!.Address}}upload/FBENCH","file_id":"FBENCH"}""",
                _ => """{"ok":true}""",
            };
            await http.Response.WriteAsync(answer, http.RequestAborted);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new BenchFakeSlackApi(app, new Uri(address + "/"));
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
