using System.Globalization;
using System.Net;
using System.Text;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Slack.Http;
using CrmBot.Slack.Tests.Fakes;
using CrmBot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmBot.Slack.Tests;

/// <summary>
/// The Slack channel in a real Kestrel host on 127.0.0.1, wired like the bot host: a real SQLite
/// database, fake engine and linker (the real ones are other features), and the fake Slack server as
/// its Web API. Requests are signed exactly as Slack signs them.
/// </summary>
public sealed class SlackTestHost : IAsyncDisposable
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string BotToken = "xoxb-test-token";
    public const string AppToken = "xapp-test-token";

    private readonly WebApplication _app;

    private SlackTestHost(WebApplication app, HttpClient client, LogCollector logs)
    {
        _app = app;
        Client = client;
        Logs = logs;
    }

    public HttpClient Client { get; }
    public LogCollector Logs { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<SlackTestHost> StartAsync(FakeSlackServer slack, TestDatabase database, FakeChatEngine engine,
        FakeIdentityLinker linker, IDictionary<string, string?>? settings = null) =>
        StartAsync(slack, database, (services, _) =>
        {
            services.AddSingleton<IChatEngine>(engine);
            services.AddSingleton<IIdentityLinker>(linker);
        }, settings);

    /// <summary>The same host with the real chat engine, identity linker and reports, as the bot host registers them.</summary>
    public static Task<SlackTestHost> StartWithRealEngineAsync(FakeSlackServer slack, TestDatabase database) =>
        StartAsync(slack, database, (services, configuration) =>
        {
            services.AddCrmReports(configuration);
            services.AddChatEngine();
        }, settings: null);

    private static async Task<SlackTestHost> StartAsync(FakeSlackServer slack, TestDatabase database,
        Action<IServiceCollection, IConfiguration> registerChat, IDictionary<string, string?>? settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var config = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = BotToken,
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl,
            ["Slack:RequestTimeout"] = "00:00:05",
            // One worker answers turns in order, so a later request proves earlier ones were (not) run.
            ["Slack:Workers"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        builder.Configuration.AddInMemoryCollection(config);
        var logs = new LogCollector();
        builder.Logging.ClearProviders().AddProvider(logs);

        builder.Services.AddDbContext<CrmDbContext>(o => DatabaseSetup.ConfigureSqlite(o, database.ConnectionString));
        registerChat(builder.Services, builder.Configuration);
        builder.Services.AddSlackChannel(builder.Configuration);

        var app = builder.Build();
        app.MapSlackChannel();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SlackTestHost(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) }, logs);
    }

    public static string Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>POSTs a body signed as Slack signs it (or not, per the arguments).</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string path, string body, string contentType, string? timestamp = null,
        string secret = SigningSecret, IDictionary<string, string>? headers = null)
    {
        timestamp ??= Now;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
        request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.Add(name, value);
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, IDictionary<string, string> fields, IDictionary<string, string>? headers = null) =>
        PostSignedAsync(path, Form(fields), "application/x-www-form-urlencoded", headers: headers);

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, IDictionary<string, string>? headers = null) =>
        PostSignedAsync(path, json, "application/json", headers: headers);

    public static string Form(IDictionary<string, string> fields) =>
        string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
