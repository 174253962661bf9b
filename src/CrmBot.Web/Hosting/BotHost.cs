using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Slack;
using CrmBot.Slack.Blocks;
using CrmBot.Teams.Cards;
using CrmBot.Web.Playground;
using Microsoft.Extensions.FileProviders;
using CrmBot.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrmBot.Web.Hosting;

/// <summary>Builds the web host: options, database, channels, jobs, endpoints. Tests build it the same way.</summary>
public static class BotHost
{
    /// <summary>
    /// Up to <see cref="ChatOptions.MaxConcurrentTurns"/> turns hold a thread each while SQLite works
    /// (see <see cref="TurnGate"/>). The pool's minimum is raised above that, so a request that must answer
    /// at once (a Slack ack) finds a thread without waiting for the pool to grow (about 2 threads a second).
    /// </summary>
    private static void KeepThreadsForAcks(ChatOptions chat)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var wanted = chat.MaxConcurrentTurns + 4 * Environment.ProcessorCount + 8;
        if (workers < wanted) ThreadPool.SetMinThreads(wanted, completionPorts);
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The repository-root appsettings.json is copied next to the binary: that is the file loaded.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);
        var config = builder.Configuration;

        // --- Options, validated at start-up ---
        builder.Services.AddOptions<HostLimitsOptions>().BindConfiguration(HostLimitsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var database = config.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var playground = config.GetSection(PlaygroundOptions.Section).Get<PlaygroundOptions>() ?? new PlaygroundOptions();

        // --- CRM database ---
        builder.Services.TryAddSingleton(TimeProvider.System);   // tests may bring a fake clock
        builder.Services.AddCrmDatabase(database);
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // --- Reports and the chat engine (channel-neutral) ---
        builder.Services.AddCrmReports(config);
        builder.Services.AddChatEngine();
        KeepThreadsForAcks(config.GetSection(ChatOptions.Section).Get<ChatOptions>() ?? new ChatOptions());

        // --- Channels: each owns its wire format, auth, renderer and sender ---
        // Both renderers link records to the CRM when Crm:RecordUrlTemplate is set.
        builder.Services.AddSingleton(sp => new RecordLinks(sp.GetRequiredService<IOptions<CrmOptions>>().Value.RecordUrlTemplate));
        builder.Services.AddSingleton(sp => new AdaptiveCardRenderer(sp.GetRequiredService<RecordLinks>()));
        builder.Services.AddSingleton(sp => new BlockKitRenderer(sp.GetRequiredService<RecordLinks>()));
        builder.Services.AddTeamsChannel(config);
        builder.Services.AddSlackChannel(config);

        // --- Scheduled work (nudges, escalations, channel posts) on Hangfire ---
        builder.Services.AddCrmJobs(builder.Configuration);

        var app = builder.Build();

        // --- Every request: hardening headers, then the body limit before any endpoint reads a byte ---
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<RequestBodyLimit>();

        // --- Endpoints ---
        app.MapHealthChecks("/healthz");
        app.MapTeamsChannel();
        app.MapSlackChannel();
        if (PlaygroundEndpoints.IsEnabled(playground, database, config["Teams:MicrosoftAppId"]))
        {
            var files = new PhysicalFileProvider(Path.Combine(app.Environment.ContentRootPath, "wwwroot", "playground"));
            app.UseFileServer(new FileServerOptions { RequestPath = "/playground", FileProvider = files });
            app.MapPlayground();
        }

        app.UseCrmJobs();
        return app;
    }

    /// <summary>Prepares the database (SQLite: migrate and seed) and starts listening.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken ct)
    {
        // Kestrel:Endpoints, when set, replace the URLs (Kestrel says "Overriding address(es)"): nothing to probe then.
        if (!app.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
            PortProbe.ThrowIfTaken(app.Urls.Count > 0 ? app.Urls
                : (app.Configuration[WebHostDefaults.ServerUrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        await DatabaseStartup.PrepareAsync(app.Services, ct);
        await app.StartAsync(ct);
        foreach (var url in app.Urls)
            app.Logger.LogInformation("CrmBot is listening on {Url} — playground: {Url}/playground, health: {Url}/healthz", url, url, url);
    }

    public static async Task<int> RunAsync(WebApplication app)
    {
        await StartAsync(app, app.Lifetime.ApplicationStopping);
        await app.WaitForShutdownAsync();
        return 0;
    }
}
