using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Sockets;
using CrmBot.Core.Data;
using CrmBot.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Tests.Hosting;

public sealed class BotHostFacts
{
    [Fact]
    public async Task Start_ServesHealthAndDemoData_OnTheEmbeddedDefault()
    {
        await using var bot = await RunningBot.StartAsync();

        var health = await bot.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var scope = bot.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        Assert.True(await db.Users.CountAsync() >= 24, "demo users seeded on first start");
        Assert.True(await db.Opportunities.CountAsync() >= 2000, "demo deals seeded on first start");
    }

    [Fact]
    public async Task Start_ServesThePlayground_OnTheEmbeddedDefault()
    {
        await using var bot = await RunningBot.StartAsync();

        var page = await bot.Http.GetStringAsync("/playground/");
        Assert.Contains("CrmBot playground", page);
        Assert.Contains("lib/adaptivecards.min.js", page);
        var renderer = await bot.Http.GetAsync("/playground/lib/adaptivecards.min.js");
        Assert.Equal(HttpStatusCode.OK, renderer.StatusCode);
    }

    [Fact]
    public async Task Start_ClosesThePlayground_WhenConfiguredOff()
    {
        await using var bot = await RunningBot.StartAsync("Playground:Enabled=false");

        var page = await bot.Http.GetAsync("/playground/");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        var api = await bot.Http.GetAsync("/playground/api/users");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }
}

public sealed class StartupErrorFacts
{
    [Fact]
    public async Task Explain_SaysWhatToDo_WhenTheProviderIsUnknown()
    {
        var e = await Record.ExceptionAsync(async () =>
        {
            await using var bot = await RunningBot.StartAsync("Database:Provider=Postgres");
        });
        Assert.NotNull(e);
        Assert.Contains("\"Sqlite\"", StartupErrors.Explain(e));
    }

    [Fact]
    public async Task Explain_SaysWhatToDo_WhenTheConnectionStringIsMalformed()
    {
        var e = await Record.ExceptionAsync(async () =>
        {
            await using var bot = await RunningBot.StartAsync("Database:ConnectionString=this is not one");
        });
        Assert.NotNull(e);
        Assert.Contains("Database:ConnectionString", StartupErrors.Explain(e));
    }

    [Fact]
    public async Task Explain_SaysWhatToDo_WhenThePortIsInUse()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var e = await Record.ExceptionAsync(async () =>
        {
            await using var bot = await RunningBot.StartAsync($"urls=http://127.0.0.1:{port}");
        });
        Assert.NotNull(e);
        Assert.Contains("port is already in use", StartupErrors.Explain(e));
    }
}
