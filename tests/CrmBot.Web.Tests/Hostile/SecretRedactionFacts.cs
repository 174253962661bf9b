using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrmBot.Slack.Api;
using CrmBot.Slack.Http;
using CrmBot.Teams.Connector;
using CrmBot.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmBot.Web.Tests.Hostile;

/// <summary>
/// The host runs with fake secrets and every log category at Trace, talks to a fake Teams token endpoint and a
/// fake Slack API on 127.0.0.1 (which echo what they were sent, as a careless error page would), and no log
/// line carries any secret.
/// </summary>
public sealed class SecretRedactionFacts
{
    private const string TeamsPassword = "FAKE-teams-app-password-7Qx";
    private const string SlackBotToken = "xoxb-FAKE-bot-token-1234567890";
    private const string SlackSigningSecret = "FAKE-slack-signing-secret-abc";
    private const string DbPassword = "FAKE-db-password-9Zr";
    private const string IssuedAccessToken = "FAKE-issued-access-token-eyJ0eXAi";
    private const string InboundBearer = "FAKE-inbound-bearer-eyJhbGci";

    private static readonly string[] Secrets = [TeamsPassword, SlackBotToken, SlackSigningSecret, DbPassword, IssuedAccessToken, InboundBearer];

    [Fact]
    public async Task Logs_HoldNoSecret_AfterTokenRequestsSlackCallsAndRejectedRequests()
    {
        await using var fake = await EchoServer.StartAsync();
        var logs = new CapturingLoggerProvider();
        var directory = Directory.CreateTempSubdirectory("crmbot-secrets-").FullName;
        var app = BotHost.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--Database:ConnectionString=Data Source={Path.Combine(directory, "crmbot.db")};Pooling=False",
            // Not opened with InMemory job storage, but it is configuration like any other and must not be logged.
            $"--Jobs:ConnectionString=Server=db.example;Database=crm;User Id=crm;Password={DbPassword}",
            "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft.AspNetCore=Trace", "--Logging:LogLevel:Hangfire=Trace",
            "--Logging:LogLevel:System.Net.Http.HttpClient=Trace", "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Information",
            "--Teams:MicrosoftAppId=00000000-0000-0000-0000-00000000abcd", $"--Teams:MicrosoftAppPassword={TeamsPassword}",
            $"--Teams:TokenEndpointBase={fake.Url}", $"--Teams:OpenIdMetadataUrl={fake.Url}openid",
            $"--Slack:BotToken={SlackBotToken}", $"--Slack:SigningSecret={SlackSigningSecret}", $"--Slack:ApiBaseUrl={fake.Url}api/",
            "--Slack:MaxAttempts=1",
        ], builder => builder.Logging.AddProvider(logs));
        try
        {
            await BotHost.StartAsync(app, CancellationToken.None);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };

            // Teams: the token endpoint first fails (echoing the form with client_secret), then issues a token the connector uses.
            var tokens = app.Services.GetRequiredService<BotTokenProvider>();
            await Assert.ThrowsAsync<ConnectorException>(() => tokens.GetTokenAsync(CancellationToken.None));
            var connector = app.Services.GetRequiredService<ConnectorClient>();
            await Record.ExceptionAsync(() => connector.SendToConversationAsync(fake.Url, "a:conv", new CrmBot.Teams.Activity { Type = "message", Text = "hi" }, CancellationToken.None));
            Assert.Contains(fake.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token") && r.Body.Contains(Uri.EscapeDataString(TeamsPassword)));
            Assert.Contains(fake.Requests, r => r.Path.Contains("/v3/conversations/") && r.Authorization == "Bearer " + IssuedAccessToken);

            // An inbound activity with a made-up bearer token is refused (and the refusal logged).
            var inbound = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent("{\"type\":\"message\",\"text\":\"hi\"}", Encoding.UTF8, "application/json") };
            inbound.Headers.Authorization = new("Bearer", InboundBearer);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(inbound)).StatusCode);

            // Slack: a direct Web API call and a signed slash command, both against the fake API that fails and echoes.
            var slack = app.Services.GetRequiredService<SlackApiClient>();
            await Record.ExceptionAsync(() => slack.PostMessageAsync("C1", new JsonObject { ["text"] = "hi" }, CancellationToken.None));
            Assert.Contains(fake.Requests, r => r.Path.StartsWith("/api/chat.postMessage") && r.Authorization == "Bearer " + SlackBotToken);
            var command = Encoding.UTF8.GetBytes($"command=%2Fcrm&text=help&user_id=U1&team_id=T1&channel_id=C1&response_url={Uri.EscapeDataString(fake.Url + "respond")}");
            var signed = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(command) };
            signed.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
            signed.Headers.Add(SlackSignature.TimestampHeader, timestamp);
            signed.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(SlackSigningSecret, timestamp, command));
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(signed)).StatusCode);
            await fake.WaitForAsync(r => r.Path.StartsWith("/api/users.info") || r.Path == "/respond", TimeSpan.FromSeconds(20));

            // Unsigned and badly signed Slack requests are refused and logged without the secret.
            var forged = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent("{}") };
            forged.Headers.Add(SlackSignature.TimestampHeader, timestamp);
            forged.Headers.Add(SlackSignature.SignatureHeader, "v0=" + new string('0', 64));
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { /* SQLite may hold it briefly */ }
        }

        Assert.True(logs.Lines.Count > 50, "the capturing provider saw the host's logs");
        // The failed token request was logged with what an operator needs (the Entra error and AADSTS code) …
        Assert.Contains(logs.Lines, l => l.Contains("oauth2/v2.0/token") && l.Contains("invalid_client AADSTS7000215"));
        var leaks = logs.Lines.Where(l => Secrets.Any(secret => l.Contains(secret, StringComparison.Ordinal)
            || l.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal))).ToList();
        Assert.Empty(leaks); // … without any secret
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Queue { get; } = new();
        public IReadOnlyCollection<string> Lines => Queue.ToArray();
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                owner.Queue.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                owner.Queue.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {properties} {exception}");
            }
        }
    }

    /// <summary>A fake Entra token endpoint, Bot Connector and Slack Web API on 127.0.0.1 that echoes every request it gets.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private LoopbackServer _server = null!;
        private int _tokenRequests;

        public string Url => _server.Url;
        public ConcurrentQueue<Seen> Requests { get; } = new();

        public sealed record Seen(string Path, string? Authorization, string Body);

        public static async Task<EchoServer> StartAsync()
        {
            var server = new EchoServer();
            server._server = await LoopbackServer.StartAsync(server.HandleAsync);
            return server;
        }

        public async Task WaitForAsync(Func<Seen, bool> seen, TimeSpan limit)
        {
            using var deadline = new CancellationTokenSource(limit);
            while (!Requests.Any(seen) && !deadline.IsCancellationRequested)
                await Task.Delay(50, CancellationToken.None);
        }

        private async Task HandleAsync(HttpContext http)
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var path = http.Request.Path.Value ?? "";
            Requests.Enqueue(new Seen(path + http.Request.QueryString, http.Request.Headers.Authorization.FirstOrDefault(), body));
            var echo = $"you sent {http.Request.Headers.Authorization} {body}";
            if (path.EndsWith("/oauth2/v2.0/token") && Interlocked.Increment(ref _tokenRequests) == 1)
            {
                http.Response.StatusCode = 400;
                await http.Response.WriteAsJsonAsync(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret. " + echo });
            }
            else if (path.EndsWith("/oauth2/v2.0/token"))
                await http.Response.WriteAsJsonAsync(new { access_token = IssuedAccessToken, expires_in = 3600 });
            else if (path.StartsWith("/api/"))
                await http.Response.WriteAsJsonAsync(new { ok = false, error = "invalid_auth", detail = echo });
            else
            {
                http.Response.StatusCode = 403;
                await http.Response.WriteAsJsonAsync(new { error = new { code = "Forbidden", message = echo } });
            }
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
