using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmBot.Teams.Tests.Fakes;

/// <summary>
/// The Teams channel as the host runs it: a real Kestrel on 127.0.0.1 with /api/messages mapped, a real
/// SQLite database, and the fake engine and linker registered the way the host registers the real ones.
/// </summary>
public sealed class TeamsTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TeamsTestHost(WebApplication app, TestDatabase database, FakeChatEngine engine, FakeIdentityLinker linker, string baseUrl)
    {
        _app = app;
        Database = database;
        Engine = engine;
        Linker = linker;
        BaseUrl = baseUrl;
    }

    public FakeChatEngine Engine { get; }
    public FakeIdentityLinker Linker { get; }
    public TestDatabase Database { get; }
    public string BaseUrl { get; }
    public IServiceProvider Services => _app.Services;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<TeamsTestHost> StartAsync(IDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var database = new TestDatabase();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        if (time is not null) builder.Services.AddSingleton(time);
        builder.Services.AddCrmDatabase(new DatabaseOptions { ConnectionString = database.ConnectionString });
        builder.Services.AddTeamsChannel(builder.Configuration);
        var engine = new FakeChatEngine();
        var linker = new FakeIdentityLinker();
        builder.Services.AddSingleton<IChatEngine>(engine);
        builder.Services.AddSingleton<IIdentityLinker>(linker);
        var app = builder.Build();
        app.MapTeamsChannel();
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TeamsTestHost(app, database, engine, linker, baseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        Database.Dispose();
    }
}
