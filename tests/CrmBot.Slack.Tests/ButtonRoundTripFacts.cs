using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using CrmBot.Slack.Inbound;
using CrmBot.Slack.Tests.Fakes;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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

    private static JsonObject Submission(JsonObject view, string notes) =>
        Submission(view, new JsonObject { [ActionForms.Notes] = new JsonObject { [ActionForms.Notes] = new JsonObject { ["type"] = "plain_text_input", ["value"] = notes } } });

    /// <summary>A submitted form, as Slack sends view_submission: state.values[block_id][action_id].</summary>
    private static JsonObject Submission(JsonObject view, JsonObject values) => new()
    {
        ["type"] = "view_submission",
        ["user"] = new JsonObject { ["id"] = "U1", ["team_id"] = Team },
        ["team"] = new JsonObject { ["id"] = Team },
        ["view"] = new JsonObject
        {
            ["id"] = "V1", ["type"] = "modal",
            ["callback_id"] = view["callback_id"]!.GetValue<string>(),
            ["private_metadata"] = view["private_metadata"]!.GetValue<string>(),
            ["state"] = new JsonObject { ["values"] = values },
        },
    };

    /// <summary>
    /// The nudge as the bot sends it: the real NudgeMessage rendered by the real Block Kit renderer and posted
    /// by the real sender to the rep's DM on the fake Slack, which keeps it for conversations.history.
    /// </summary>
    private async Task<(string Ts, JsonArray Blocks)> SendNudgeAsync(User rep, params Opportunity[] deals)
    {
        var items = deals.Select(d => new NudgeCandidate(rep.Id, RecordKind.Opportunity, d.Id, d.Name, null, NudgeReasons.Stale,
            DaysUntouched: 20, d.AmountCents, d.Currency, ExpectedClose: null)).ToList();
        var nudge = NudgeMessage.Build(new NudgePlan(rep.Id, new DateOnly(2017, 9, 4), items, items.Count), rep);
        var sender = _host.Services.GetServices<IProactiveSender>().Single(s => s.Platform == ChatPlatform.Slack);
        var sent = await sender.SendToUserAsync(rep.Id, nudge, CancellationToken.None);
        Assert.Equal(SendStatus.Sent, sent.Status);
        return (sent.MessageId!, _slack.Messages[(NudgeDm, sent.MessageId!)]["blocks"]!.AsArray());
    }

    /// <summary>Ann, a rep linked to Slack user U1, with open deals of these names and the nudge listing them in her DM.</summary>
    private async Task<(User Rep, Opportunity[] Deals, string Ts, JsonArray Blocks)> RepWithANudgeAsync(params string[] dealNames)
    {
        User rep;
        Opportunity[] deals;
        using (var crm = new CrmBuilder(_database))
        {
            rep = crm.Rep("Ann Rep");
            deals = dealNames.Select(name => crm.Deal(rep, name: name)).ToArray();
            crm.ChatIdentity(rep, "U1");
        }
        _slack.Emails["U1"] = rep.Email;
        var (ts, blocks) = await SendNudgeAsync(rep, deals);
        return (rep, deals, ts, blocks);
    }

    /// <summary>A click on the button labelled <paramref name="label"/> of the row naming <paramref name="deal"/>, as Slack sends it.</summary>
    private JsonObject ClickInMessage(string ts, JsonArray blocks, Opportunity deal, string label)
    {
        var button = blocks.OfType<JsonObject>().Where(b => b["type"]!.GetValue<string>() == "actions")
            .SelectMany(b => b["elements"]!.AsArray().OfType<JsonObject>())
            .Single(e => e["text"]!["text"]!.GetValue<string>() == label
                         && e["value"]?.GetValue<string>() is { } value && value.Contains($"\"{deal.Id}\"", StringComparison.Ordinal));
        var click = Click(button["action_id"]!.GetValue<string>(), button["value"]!.GetValue<string>());
        click["container"]!["message_ts"] = ts;
        click["message"] = new JsonObject { ["ts"] = ts, ["type"] = "message", ["blocks"] = blocks.DeepClone() };
        return click;
    }

    private static string AllText(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Fact]
    public async Task LogACall_FromANudge_WritesTheActivity_AndMarksThatItemDoneInTheNudgeItself()
    {
        var (rep, deals, ts, blocks) = await RepWithANudgeAsync("Acme renewal", "Globex expansion");
        var (acme, globex) = (deals[0], deals[1]);

        using var click = await InteractAsync(ClickInMessage(ts, blocks, acme, "Log a call"));
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var opened = await _slack.WaitForAsync("views.open");
        using var submitted = await InteractAsync(Submission(opened.Json!["view"]!.AsObject(), "talked pricing"));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);

        var update = await _slack.WaitForAsync("chat.update");
        Assert.Equal((NudgeDm, ts), (update.Json!["channel"]!.GetValue<string>(), update.Json["ts"]!.GetValue<string>()));
        var updated = update.Json["blocks"]!.AsArray();
        Assert.Contains("Logged a call on Acme renewal", AllText(updated));
        // Acme's buttons are gone, Globex keeps all of its own.
        Assert.Equal(0, CountButtons(updated, acme));
        Assert.Equal(CountButtons(blocks, globex), CountButtons(updated, globex));
        Assert.Single(_slack.Calls("chat.postMessage")); // the nudge itself; no separate confirmation
        await using var db = _database.NewContext();
        var call = Assert.Single(await db.Activities.Where(a => a.OpportunityId == acme.Id).ToListAsync());
        Assert.Equal((ActivityType.Call, ActivityStatus.Completed, rep.Id, "talked pricing"), (call.Type, call.Status, call.OwnerId, call.Notes));
    }

    [Theory]
    [InlineData("CREATE TRIGGER refuse_activities BEFORE INSERT ON Activities BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;")]
    [InlineData("ALTER TABLE ChatIdentities RENAME TO ChatIdentitiesGone;")]   // fails before the engine: who is asking
    public async Task LogACall_WhoseSaveFails_AnswersWithTheTypedNotes_ForTheModalHasClosed(string breakTheDatabase)
    {
        var (_, deals, ts, blocks) = await RepWithANudgeAsync("Acme renewal");
        var acme = deals[0];
        const string notes = "Dana wants the three-year price; quote by Monday";

        using var click = await InteractAsync(ClickInMessage(ts, blocks, acme, "Log a call"));
        var opened = await _slack.WaitForAsync("views.open");
        await using (var db = _database.NewContext())
            await db.Database.ExecuteSqlRawAsync(breakTheDatabase);
        using var submitted = await InteractAsync(Submission(opened.Json!["view"]!.AsObject(), notes));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);   // the modal closes at once; the save comes after

        var answer = await _slack.WaitForAsync("chat.postMessage", c => c.Json?["channel"]?.GetValue<string>() == NudgeDm && AllText(c.Json).Contains("Sorry"));
        Assert.Contains(notes, AllText(answer.Json!["blocks"]!));
        Assert.Empty(_slack.Calls("chat.update"));   // nothing was logged, so the nudge keeps its buttons
    }

    [Fact]
    public async Task Snooze_FromANudge_StoresTheSnooze_AndMarksThatItemDoneThroughTheResponseUrl()
    {
        var (rep, deals, ts, blocks) = await RepWithANudgeAsync("Acme renewal", "Globex expansion");
        var (acme, globex) = (deals[0], deals[1]);

        using var click = await InteractAsync(ClickInMessage(ts, blocks, globex, "Snooze 7 days"));
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);

        var answer = await _slack.WaitForAsync("response_url");
        Assert.True(answer.Json!["replace_original"]!.GetValue<bool>());
        var updated = answer.Json["blocks"]!.AsArray();
        Assert.Contains("Globex expansion", AllText(updated.Where(b => b!["type"]!.GetValue<string>() == "context").Select(b => b!).Last()));
        Assert.Equal(0, CountButtons(updated, globex));
        Assert.Equal(CountButtons(blocks, acme), CountButtons(updated, acme));
        await using var db = _database.NewContext();
        Assert.True(await db.Snoozes.AnyAsync(z => z.OpportunityId == globex.Id && z.UserId == rep.Id));
    }

    [Fact]
    public async Task SnoozeUntil_FromANudge_AsksForTheDateAndAReason_ThenStoresThem()
    {
        var (_, deals, ts, blocks) = await RepWithANudgeAsync("Acme renewal");
        var acme = deals[0];
        var until = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(40).ToString("yyyy-MM-dd");

        using var click = await InteractAsync(ClickInMessage(ts, blocks, acme, "Snooze until…"));
        var form = (await _slack.WaitForAsync("views.open")).Json!["view"]!.AsObject();
        Assert.Equal(["until", "reason"], form["blocks"]!.AsArray().Select(b => b!["block_id"]!.GetValue<string>()));
        using var submitted = await InteractAsync(Submission(form, new JsonObject
        {
            ["until"] = new JsonObject { ["until"] = new JsonObject { ["type"] = "datepicker", ["selected_date"] = until } },
            ["reason"] = new JsonObject { ["reason"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "champion on holiday" } },
        }));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);

        var update = await _slack.WaitForAsync("chat.update");
        Assert.Equal(0, CountButtons(update.Json!["blocks"]!.AsArray(), acme));
        await using var db = _database.NewContext();
        var snooze = Assert.Single(await db.Snoozes.Where(z => z.OpportunityId == acme.Id).ToListAsync());
        Assert.Equal((until, "champion on holiday"), (snooze.Until.ToString("yyyy-MM-dd"), snooze.Reason));
    }

    private static int CountButtons(JsonArray blocks, Opportunity deal) =>
        blocks.OfType<JsonObject>().Where(b => b["type"]!.GetValue<string>() == "actions")
            .SelectMany(b => b["elements"]!.AsArray().OfType<JsonObject>())
            .Count(e => e["value"]?.GetValue<string>() is { } value && value.Contains($"\"{deal.Id}\"", StringComparison.Ordinal));

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
