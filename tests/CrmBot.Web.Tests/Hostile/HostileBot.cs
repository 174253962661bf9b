using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using CrmBot.Core.Data;
using CrmBot.Slack.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Web.Tests.Hostile;

/// <summary>One real host shared by the hostile-input facts (starting one seeds 2,000 demo deals), with a Slack signing secret.</summary>
public sealed partial class HostileBot : IAsyncLifetime
{
    public const string SigningSecret = "hostile-test-signing-secret";
    public const int BodyLimit = 64 * 1024;

    public RunningBot Bot { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Bot = await RunningBot.StartAsync($"Slack:SigningSecret={SigningSecret}", $"Host:MaxRequestBodyBytes={BodyLimit}");

    public async Task DisposeAsync() => await Bot.DisposeAsync();

    public Task<HttpResponseMessage> PostAsync(string path, byte[] body, string contentType, bool signSlack = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (signSlack)
        {
            // Slack signs with the wall clock; the host checks against TimeProvider.System.
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
            request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
            request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(SigningSecret, timestamp, body));
        }
        return Bot.Http.SendAsync(request);
    }

    /// <summary>Rows a hostile request must never add or change: what users record and what the bot remembers about them.</summary>
    public async Task<string> WrittenRowsAsync()
    {
        using var scope = Bot.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return string.Join(",",
            await db.Activities.CountAsync(), await db.Snoozes.CountAsync(), await db.NudgeItems.CountAsync(),
            await db.ChatIdentities.CountAsync(), await db.ChannelSubscriptions.CountAsync(), await db.BotSettings.CountAsync(),
            await db.Users.CountAsync(), await db.Opportunities.CountAsync(), await db.Deliveries.CountAsync());
    }

    /// <summary>A refusal a client can read: never a server error, never the innards of one.</summary>
    public static async Task AssertNoLeakAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotMatch(ExceptionName(), body);
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [GeneratedRegex(@"\b\w*Exception\b")]
    private static partial Regex ExceptionName();
}
