using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using CrmBot.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CrmBot.Web.Tests;

/// <summary>The real host on 127.0.0.1 with its own SQLite file, as the README's run command starts it.</summary>
public sealed class RunningBot : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private RunningBot(WebApplication app, string directory, Uri address)
    {
        _app = app;
        _directory = directory;
        DatabasePath = Path.Combine(directory, "crmbot.db");
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }
    /// <summary>The SQLite file (fault tests lock, remove and restore it).</summary>
    public string DatabasePath { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<RunningBot> StartAsync(params string[] settings)
    {
        var directory = Directory.CreateTempSubdirectory("crmbot-host-").FullName;
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--Database:ConnectionString=Data Source={Path.Combine(directory, "crmbot.db")};Pooling=False",
            "--Logging:LogLevel:Default=Warning",
        };
        args.AddRange(settings.Select(s => "--" + s));
        var app = BotHost.Build(args.ToArray());
        await BotHost.StartAsync(app, CancellationToken.None);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningBot(app, directory, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* SQLite may hold it briefly */ }
    }
}
