using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Slack.Tests.Fakes;
using CrmBot.Testing;

namespace CrmBot.Slack.Tests;

/// <summary>A fresh fake Slack, database and bot host per test, with one linked CRM user (Ann, Slack U1).</summary>
public abstract class SlackHostTest : IAsyncLifetime
{
    protected const string Team = "T1";
    protected const string BotUser = "UBOT";
    protected static readonly Asker Ann = FakeIdentityLinker.Rep(1, "Ann Rep", "ann@example.com");

    protected FakeSlackServer Slack { get; private set; } = null!;
    protected TestDatabase Database { get; } = new();
    protected FakeChatEngine Engine { get; } = new();
    protected FakeIdentityLinker Linker { get; } = new();
    protected SlackTestHost Host { get; private set; } = null!;

    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        Slack = await FakeSlackServer.StartAsync();
        Slack.Emails["U1"] = Ann.Email;
        Linker.CrmUsersByEmail[Ann.Email] = Ann;
        Host = await SlackTestHost.StartAsync(Slack, Database, Engine, Linker, Settings);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Slack.DisposeAsync();
        Database.Dispose();
    }

    protected Dictionary<string, string> Command(string text, string channel = "C1", string responseId = "cmd1", string user = "U1") => new()
    {
        ["token"] = "deprecated", ["team_id"] = Team, ["team_domain"] = "acme", ["channel_id"] = channel,
        ["channel_name"] = channel.StartsWith('D') ? "directmessage" : "sales", ["user_id"] = user, ["user_name"] = "ann",
        ["command"] = "/crm", ["text"] = text, ["api_app_id"] = "A1", ["response_url"] = Slack.ResponseUrl(responseId),
        ["trigger_id"] = "1.2.trigger",
    };

    protected static string Event(string eventId, JsonObject e) => new JsonObject
    {
        ["token"] = "deprecated", ["team_id"] = Team, ["api_app_id"] = "A1", ["type"] = "event_callback",
        ["event_id"] = eventId, ["event_time"] = 1700000000, ["event"] = e,
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = Team, ["user_id"] = BotUser, ["is_bot"] = true }),
    }.ToJsonString();

    protected static JsonObject Mention(string text, string channel = "C1", string user = "U1") => new()
    {
        ["type"] = "app_mention", ["user"] = user, ["text"] = text, ["ts"] = "1700000000.000001", ["channel"] = channel,
        ["event_ts"] = "1700000000.000001", ["team"] = Team,
    };

    protected static JsonObject DirectMessage(string text, string channel = "D1", string user = "U1") => new()
    {
        ["type"] = "message", ["channel_type"] = "im", ["user"] = user, ["text"] = text, ["ts"] = "1700000000.000002",
        ["channel"] = channel, ["event_ts"] = "1700000000.000002", ["team"] = Team,
    };

    protected static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Waited in vain for " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the engine saw <paramref name="text"/>: with one worker, everything queued before it was handled too.</summary>
    protected Task WaitForTurnAsync(string text) => WaitUntilAsync(() => Engine.Turns.Any(t => t.Text == text), $"the turn '{text}'");
}
