using CrmBot.Core.Data;
using CrmBot.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmBot.Web.Hosting;

/// <summary>Builds the web host: options, database, endpoints. Tests build it the same way.</summary>
public static class BotHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The repository-root appsettings.json is copied next to the binary: that is the file loaded.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        // --- Options, validated at start-up ---
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();

        // --- CRM database ---
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCrmDatabase(database);
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // --- Channels ---
        builder.Services.AddTeamsChannel(builder.Configuration);

        var app = builder.Build();

        // --- Endpoints ---
        app.MapHealthChecks("/healthz");
        app.MapTeamsChannel();
        return app;
    }

    public static async Task<int> RunAsync(WebApplication app)
    {
        await DatabaseStartup.PrepareAsync(app.Services, app.Lifetime.ApplicationStopping);
        await app.StartAsync();
        foreach (var url in app.Urls)
            app.Logger.LogInformation("CrmBot is listening on {Url} (health: {Url}/healthz)", url, url);
        await app.WaitForShutdownAsync();
        return 0;
    }
}
