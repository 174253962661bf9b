using System.Net;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Slack.Inbound;
using CrmBot.Slack.Tests.Fakes;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Slack.Tests;

/// <summary>
/// Issue 8 in Slack with the REAL engine, linker and reports on a real SQLite database: a nudge's "Log a call"
/// button (signed block_actions) opens the notes modal, its submission writes the CRM activity, and the
/// confirmation names the deal. The Slack side is the fake Slack server on 127.0.0.1.
/// </summary>
public sealed class ButtonRoundTripFacts : IAsyncLifetime
{
    private const string Team = "T1";
    // Nudges go to the user's DM with the bot: the channel the fake's conversations.open answers for U1.
    private const string NudgeDm = "DU1";
    private readonly TestDatabase _database = new();
    private FakeSlackServer _slack = null!;
    private SlackTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        _host = await SlackTestHost.StartWithRealEngineAsync(_slack, _database);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _slack.DisposeAsync();
        _database.Dispose();
    }

    private Task<HttpResponseMessage> InteractAsync(JsonObject payload) =>
        _host.PostFormAsync("/slack/interactions", new Dictionary<string, string> { ["payload"] = payload.ToJsonString() });

    /// <summary>A click on a nudge button, as Slack sends block_actions (protocols.md section 4).</summary>
    private JsonObject Click(string actionId, string value) => new()
    {
        ["type"] = "block_actions",
        ["user"] = new JsonObject { ["id"] = "U1", ["team_id"] = Team },
        ["team"] = new JsonObject { ["id"] = Team },
        ["api_app_id"] = "A1",
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000300", ["channel_id"] = NudgeDm, ["is_ephemeral"] = false },
        ["channel"] = new JsonObject { ["id"] = NudgeDm, ["name"] = "directmessage" },
        ["message"] = new JsonObject { ["ts"] = "1700000000.000300", ["type"] = "message" },
        ["trigger_id"] = "trigger-1",
        ["response_url"] = _slack.ResponseUrl("nudge"),
        ["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = actionId, ["block_id"] = "b1", ["type"] = "button", ["value"] = value, ["action_ts"] = "1700000001.000001",
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Log a call" },
        }),
    };

    private static JsonObject Submission(JsonObject view, string notes) => new()
    {
        ["type"] = "view_submission",
        ["user"] = new JsonObject { ["id"] = "U1", ["team_id"] = Team },
        ["team"] = new JsonObject { ["id"] = Team },
        ["view"] = new JsonObject
        {
            ["id"] = "V1", ["type"] = "modal",
            ["callback_id"] = view["callback_id"]!.GetValue<string>(),
            ["private_metadata"] = view["private_metadata"]!.GetValue<string>(),
            ["state"] = new JsonObject
            {
                ["values"] = new JsonObject
                {
                    [LogActivityModal.NotesBlockId] = new JsonObject
                    {
                        [LogActivityModal.NotesActionId] = new JsonObject { ["type"] = "plain_text_input", ["value"] = notes },
                    },
                },
            },
        },
    };

    [Fact]
    public async Task LogACall_FromANudgeButton_WritesTheActivityWithTheNotes_AndConfirmsIt()
    {
        Opportunity deal;
        User rep;
        using (var crm = new CrmBuilder(_database))
        {
            rep = crm.Rep("Ann Rep");
            deal = crm.Deal(rep, name: "Acme renewal");
        }
        _slack.Emails["U1"] = rep.Email; // the real linker links U1 by its Slack profile e-mail

        // The button as the Block Kit renderer encodes the nudge's "Log a call" (ReplyButtons.ForRowAction).
        var value = SlackActionCodec.Value(new Dictionary<string, string> { ["type"] = "call", ["opportunityId"] = deal.Id.ToString() });
        using var click = await InteractAsync(Click(SlackActionCodec.ActionId(CardVerbs.LogActivity, 0), value));
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var opened = await _slack.WaitForAsync("views.open");

        using var submitted = await InteractAsync(Submission(opened.Json!["view"]!.AsObject(), "talked pricing"));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);

        var confirmation = await _slack.WaitForAsync("chat.postMessage");
        Assert.Contains("Acme renewal", confirmation.Text);
        await using var db = _database.NewContext();
        var logged = await db.Activities.Where(a => a.OpportunityId == deal.Id).ToListAsync();
        var call = Assert.Single(logged);
        Assert.Equal((ActivityType.Call, ActivityStatus.Completed, rep.Id, "talked pricing"), (call.Type, call.Status, call.OwnerId, call.Notes));
    }

    [Fact]
    public async Task LogACall_WritesNothing_WhenTheDealIsSomeoneElses()
    {
        Opportunity othersDeal;
        User rep;
        using (var crm = new CrmBuilder(_database))
        {
            rep = crm.Rep("Ann Rep");
            othersDeal = crm.Deal(crm.Rep("Bob Rep"), name: "Bob's deal");
        }
        _slack.Emails["U1"] = rep.Email;

        var value = SlackActionCodec.Value(new Dictionary<string, string> { ["type"] = "call", ["opportunityId"] = othersDeal.Id.ToString() });
        using var click = await InteractAsync(Click(SlackActionCodec.ActionId(CardVerbs.LogActivity, 0), value));
        var opened = await _slack.WaitForAsync("views.open");
        using var submitted = await InteractAsync(Submission(opened.Json!["view"]!.AsObject(), "sneaky"));

        var answer = await _slack.WaitForAsync("chat.postMessage");
        Assert.DoesNotContain("logged", answer.Text, StringComparison.OrdinalIgnoreCase);
        await using var db = _database.NewContext();
        Assert.False(await db.Activities.AnyAsync(a => a.OpportunityId == othersDeal.Id));
    }
}
