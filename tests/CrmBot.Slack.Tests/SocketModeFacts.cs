using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Slack.SocketMode;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Slack.Tests;

/// <summary>Socket Mode against a local WebSocket server (Kestrel on 127.0.0.1) speaking Slack's envelope protocol.</summary>
public sealed class SocketModeFacts : SlackHostTest
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Slack:SocketMode"] = "true",
        ["Slack:AppToken"] = SlackTestHost.AppToken,
        ["Slack:SigningSecret"] = null,
    };

    private static JsonObject Hello => JsonNode.Parse("""
        {"type":"hello","num_connections":1,"debug_info":{"host":"applink-1","approximate_connection_time":18060},"connection_info":{"app_id":"A1"}}
        """)!.AsObject();

    private static JsonObject Disconnect(string reason) => new()
    {
        ["type"] = "disconnect", ["reason"] = reason, ["debug_info"] = new JsonObject { ["host"] = "applink-1" },
    };

    [Fact]
    public async Task SocketMode_AcksEnvelopes_Answers_ReconnectsOnRefresh_AndStopsWhenLinkDisabled()
    {
        var first = await Slack.NextSocketAsync();
        await first.SendAsync(Hello);

        // An Events API envelope: acked by its envelope_id alone, answered through the Web API.
        await first.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-1", ["type"] = "events_api", ["accepts_response_payload"] = false, ["retry_attempt"] = 0,
            ["payload"] = JsonNode.Parse(Event("EvS1", Mention($"<@{BotUser}> pipeline"))),
        });
        var eventAck = await first.ReceiveAsync();
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["envelope_id"] = "env-1" }, eventAck));
        var posted = await Slack.WaitForAsync("chat.postMessage");
        Assert.Equal("C1", posted.Json!["channel"]!.GetValue<string>());
        Assert.Equal("pipeline", Assert.Single(Engine.Turns).Text);

        // A slash command: the ack carries the immediate response, the answer follows via response_url.
        await first.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-2", ["type"] = "slash_commands", ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject
            {
                ["command"] = "/crm", ["text"] = "my plan", ["user_id"] = "U1", ["team_id"] = Team, ["channel_id"] = "C1",
                ["channel_name"] = "sales", ["response_url"] = Slack.ResponseUrl("socket"), ["trigger_id"] = "t-1",
            },
        });
        var commandAck = await first.ReceiveAsync();
        Assert.Equal("env-2", commandAck!["envelope_id"]!.GetValue<string>());
        Assert.Equal("ephemeral", commandAck["payload"]!["response_type"]!.GetValue<string>());
        Assert.Contains("my plan", commandAck["payload"]!["text"]!.GetValue<string>());
        await Slack.WaitForAsync("response_url");
        await WaitForTurnAsync("my plan");

        // Refresh: a new URL from apps.connections.open and a new socket.
        await first.SendAsync(Disconnect("refresh_requested"));
        var second = await Slack.NextSocketAsync();
        Assert.Equal(2, Slack.Calls("apps.connections.open").Count);
        Assert.All(Slack.Calls("apps.connections.open"), c => Assert.Equal("Bearer " + SlackTestHost.AppToken, c.Authorization));
        await second.SendAsync(Hello);
        await second.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-3", ["type"] = "events_api", ["accepts_response_payload"] = false,
            ["payload"] = JsonNode.Parse(Event("EvS2", DirectMessage("my stale deals"))),
        });
        Assert.Equal("env-3", (await second.ReceiveAsync())!["envelope_id"]!.GetValue<string>());
        await WaitForTurnAsync("my stale deals");

        // link_disabled: the client stops for good.
        await second.SendAsync(Disconnect("link_disabled"));
        var client = Host.Services.GetRequiredService<SocketModeClient>();
        await client.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Slack.Calls("apps.connections.open").Count);
        Assert.False(client.IsConnected);
    }

    // Socket Mode delivers at least once (protocols.md 9): a click delivered again is acknowledged again, acted on once.
    [Fact]
    public async Task SocketMode_ActsOnceOnAClickDeliveredTwice()
    {
        var socket = await Slack.NextSocketAsync();
        await socket.SendAsync(Hello);
        JsonObject Click(int attempt) => new()
        {
            ["envelope_id"] = "env-click", ["type"] = "interactive", ["accepts_response_payload"] = false, ["retry_attempt"] = attempt,
            ["payload"] = new JsonObject
            {
                ["type"] = "block_actions", ["user"] = new JsonObject { ["id"] = "U1", ["team_id"] = Team }, ["team"] = new JsonObject { ["id"] = Team },
                ["channel"] = new JsonObject { ["id"] = "D1" }, ["response_url"] = Slack.ResponseUrl("click"),
                ["actions"] = new JsonArray(new JsonObject
                {
                    ["action_id"] = Inbound.SlackActionCodec.ActionId(CardVerbs.Snooze, 0), ["type"] = "button",
                    ["value"] = Inbound.SlackActionCodec.Value(new Dictionary<string, string> { ["opportunityId"] = "7", ["days"] = "7" }),
                }),
            },
        };

        await socket.SendAsync(Click(0));
        Assert.Equal("env-click", (await socket.ReceiveAsync())!["envelope_id"]!.GetValue<string>());
        await socket.SendAsync(Click(1));
        Assert.Equal("env-click", (await socket.ReceiveAsync())!["envelope_id"]!.GetValue<string>());
        // A later message, handled after both by the one worker: by then a second snooze would have been seen.
        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-after", ["type"] = "events_api", ["accepts_response_payload"] = false,
            ["payload"] = JsonNode.Parse(Event("EvAfter", DirectMessage("help"))),
        });
        await socket.ReceiveAsync();
        await WaitForTurnAsync("help");

        Assert.Single(Engine.Turns, t => t.Action?.Verb == CardVerbs.Snooze);
    }

    [Fact]
    public async Task SocketMode_AnswersAModalSubmissionWithErrorsInTheAck()
    {
        var socket = await Slack.NextSocketAsync();
        await socket.SendAsync(Hello);
        var origin = new Inbound.ActionFormModal.Origin("C1", false, "zh-TW", CardVerbs.LogActivity, new Dictionary<string, string> { ["type"] = "call" });
        var view = Inbound.ActionFormModal.Build(origin, "記錄通話", ActionForms.For(origin.Verb, origin.Data, origin.Language));
        view["state"] = JsonNode.Parse("""{"values":{"notes":{"notes":{"type":"plain_text_input","value":""}}}}""");

        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-v", ["type"] = "interactive", ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject
            {
                ["type"] = "view_submission", ["user"] = new JsonObject { ["id"] = "U1" }, ["team"] = new JsonObject { ["id"] = Team },
                ["view"] = view,
            },
        });

        var ack = await socket.ReceiveAsync();
        Assert.Equal("errors", ack!["payload"]!["response_action"]!.GetValue<string>());
        Assert.Equal("請填寫此欄。", ack["payload"]!["errors"]!["notes"]!.GetValue<string>());
    }

    [Fact]
    public async Task HttpEndpoints_RefuseEverything_WhenOnlySocketModeIsConfigured()
    {
        using var response = await Host.PostFormAsync("/slack/commands", Command("pipeline"));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
