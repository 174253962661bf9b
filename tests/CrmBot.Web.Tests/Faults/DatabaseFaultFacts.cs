using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrmBot.Slack.Http;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Web.Tests.Faults;

/// <summary>
/// The real host while its SQLite file is locked by another connection or removed: both channels answer
/// "try again in a moment" (no stack trace, the submitted form kept), /healthz is red, and everything
/// recovers by itself once the database is back, without a restart.
/// </summary>
public sealed class DatabaseFaultFacts
{
    private const string SigningSecret = "faults-signing-secret";
    private const string TryAgain = "try again in a moment";

    private static async Task<RunningBot> StartBotAsync(FakeChannelServer channel) => await RunningBot.StartAsync(
        "Database:SeedDemoData=false",
        // A locked file fails a command after this wait (30 s by default).
        "Database:CommandTimeout=00:00:01",
        "Jobs:RunServer=false",
        "Slack:BotToken=xoxb-faults", $"Slack:SigningSecret={SigningSecret}", $"Slack:ApiBaseUrl={channel.Url}api/", "Slack:MaxAttempts=1");

    [Fact]
    public async Task ChatAndHealth_SayTryAgainAndRecover_WhenTheDatabaseIsLockedByAnotherConnection()
    {
        await using var channel = await FakeChannelServer.StartAsync();
        await using var bot = await StartBotAsync(channel);
        await LinkSlackUserAsync(bot);
        Assert.Equal(HttpStatusCode.OK, (await bot.Http.GetAsync("/healthz")).StatusCode);

        // BEGIN EXCLUSIVE on a WAL database (as EF creates it) holds the write lock; reads still go through.
        using (var locker = new SqliteConnection($"Data Source={bot.DatabasePath};Pooling=False"))
        {
            locker.Open();
            using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                begin.ExecuteNonQuery();
            }

            await AssertBothChannelsSayTryAgainAsync(bot, channel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await bot.Http.GetAsync("/healthz")).StatusCode);
        }

        // Lock released (the connection closed): green again, and answers again, with no restart.
        Assert.Equal(HttpStatusCode.OK, (await bot.Http.GetAsync("/healthz")).StatusCode);
        await AssertTeamsAnswersWithoutErrorAsync(bot, channel);
    }

    [Fact]
    public async Task ChatAndHealth_SayTryAgainAndRecover_WhenTheDatabaseFileIsRemovedAndRestored()
    {
        await using var channel = await FakeChannelServer.StartAsync();
        await using var bot = await StartBotAsync(channel);
        await LinkSlackUserAsync(bot);
        var aside = bot.DatabasePath + ".aside";
        File.Move(bot.DatabasePath, aside);

        // SQLite re-creates a missing file empty on the next open: the schema is gone, every query fails.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await bot.Http.GetAsync("/healthz")).StatusCode);
        await AssertBothChannelsSayTryAgainAsync(bot, channel);

        File.Move(aside, bot.DatabasePath, overwrite: true);
        Assert.Equal(HttpStatusCode.OK, (await bot.Http.GetAsync("/healthz")).StatusCode);
        await AssertTeamsAnswersWithoutErrorAsync(bot, channel);
    }

    /// <summary>Slack user U1 is a linked rep: answering them writes (their DM channel), as answering a Teams user does.</summary>
    private static async Task LinkSlackUserAsync(RunningBot bot)
    {
        using var scope = bot.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var rep = new User { Name = "Ann Rep", Email = "ann@example.com" };
        db.Users.Add(rep);
        await db.SaveChangesAsync();
        db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Slack, Workspace = "T1", PlatformUserId = "U1", UserId = rep.Id, LinkedAt = DateTime.UnixEpoch });
        await db.SaveChangesAsync();
    }

    /// <summary>A Teams message, a Teams form submit and a Slack command, each answered politely, the form left in place.</summary>
    private static async Task AssertBothChannelsSayTryAgainAsync(RunningBot bot, FakeChannelServer channel)
    {
        var message = "msg-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await PostTeamsAsync(bot, channel, message, new JsonObject { ["text"] = "my pipeline" })).StatusCode);
        var reply = await channel.WaitForAsync(r => r.Path.EndsWith("/activities/" + message));
        Assert.Contains(TryAgain, reply.Body);
        Assert.DoesNotContain("Exception", reply.Body);

        // "Log a call" with typed notes: the answer is a new message; the card with the notes is not replaced.
        var submit = "sub-" + Guid.NewGuid().ToString("N");
        var form = "card-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await PostTeamsAsync(bot, channel, submit, new JsonObject
        {
            ["replyToId"] = form,
            ["value"] = new JsonObject { ["verb"] = "logActivity", ["opportunityId"] = "1", ["type"] = "call", ["notes"] = "Talked pricing, call back Friday" },
        })).StatusCode);
        Assert.Contains(TryAgain, (await channel.WaitForAsync(r => r.Path.EndsWith("/activities/" + submit))).Body);
        Assert.DoesNotContain(channel.Requests, r => r.Method == "PUT" && r.Path.EndsWith("/activities/" + form));

        // The same form through Action.Execute (answered in the HTTP response): a message, so the card stays.
        var invoke = await PostTeamsAsync(bot, channel, "inv-" + Guid.NewGuid().ToString("N"), new JsonObject
        {
            ["type"] = "invoke", ["name"] = "adaptiveCard/action",
            ["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "logActivity",
                ["data"] = new JsonObject { ["opportunityId"] = "1", ["type"] = "call", ["notes"] = "Talked pricing" } } },
        });
        var invokeAnswer = JsonNode.Parse(await invoke.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)invokeAnswer["type"]);
        Assert.Contains(TryAgain, (string?)invokeAnswer["value"]);

        var respondPath = "/respond/" + Guid.NewGuid().ToString("N");
        var ack = await PostSlackAsync(bot, "/slack/commands", "application/x-www-form-urlencoded",
            $"command=%2Fcrm&text=my+pipeline&user_id=U1&team_id=T1&channel_id=C1&response_url={Uri.EscapeDataString(channel.Url.TrimEnd('/') + respondPath)}");
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var response = await channel.WaitForAsync(r => r.Path == respondPath);
        Assert.Contains(TryAgain, response.Body);
        Assert.DoesNotContain("Exception", response.Body);

        // A Slack event's duplicate check needs the database too: the event is still acknowledged and answered.
        var channelId = "C" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var mention = await PostSlackAsync(bot, "/slack/events", "application/json", $$$"""
            {"type":"event_callback","team_id":"T1","event_id":"Ev{{{Guid.NewGuid():N}}}","authorizations":[{"user_id":"UBOT","is_bot":true}],
             "event":{"type":"app_mention","user":"U1","text":"<@UBOT> team leaderboard","channel":"{{{channelId}}}","ts":"1.1","team":"T1"}}
            """);
        Assert.Equal(HttpStatusCode.OK, mention.StatusCode);
        await channel.WaitForAsync(r => r.Path.StartsWith("/api/chat.post") && r.Body.Contains(channelId) && r.Body.Contains(TryAgain));
    }

    private static async Task AssertTeamsAnswersWithoutErrorAsync(RunningBot bot, FakeChannelServer channel)
    {
        var id = "msg-" + Guid.NewGuid().ToString("N");
        await PostTeamsAsync(bot, channel, id, new JsonObject { ["text"] = "my pipeline" });
        var reply = await channel.WaitForAsync(r => r.Path.EndsWith("/activities/" + id));
        Assert.DoesNotContain(TryAgain, reply.Body);
        Assert.Contains("know you yet", reply.Body); // the linker read the database: this Teams user is not linked
    }

    private static Task<HttpResponseMessage> PostTeamsAsync(RunningBot bot, FakeChannelServer channel, string id, JsonObject fields)
    {
        var activity = new JsonObject
        {
            ["type"] = "message", ["id"] = id, ["channelId"] = "emulator", ["serviceUrl"] = channel.Url, ["locale"] = "en-US",
            ["from"] = new JsonObject { ["id"] = "user-1", ["name"] = "Ann" },
            ["recipient"] = new JsonObject { ["id"] = "bot", ["name"] = "CrmBot" },
            ["conversation"] = new JsonObject { ["id"] = "conv-1" },
        };
        foreach (var (key, value) in fields)
            activity[key] = value?.DeepClone();
        return bot.Http.PostAsync("/api/messages", new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"));
    }

    private static Task<HttpResponseMessage> PostSlackAsync(RunningBot bot, string path, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new(contentType);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
        request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(SigningSecret, timestamp, bytes));
        return bot.Http.SendAsync(request);
    }
}
