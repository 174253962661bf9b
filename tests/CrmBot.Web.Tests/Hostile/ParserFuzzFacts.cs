using System.Text;
using System.Text.Json.Nodes;
using CrmBot.Slack;
using CrmBot.Slack.Inbound;
using CrmBot.Teams;
using CrmBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CrmBot.Web.Tests.Hostile;

/// <summary>
/// 100,000+ generated inputs through the code that reads Teams activities and Slack payloads, exactly as the
/// endpoints call it: the only acceptable outcomes are a parsed value or "not a payload" (null), never an exception.
/// </summary>
public sealed class ParserFuzzFacts
{
    private const int Inputs = 60_000;

    private static readonly JsonObject[] TeamsSeeds =
    [
        JsonNode.Parse("""
            {"type":"message","id":"1","timestamp":"2026-01-01T00:00:00Z","serviceUrl":"https://smba.trafficmanager.net/amer/","channelId":"msteams",
             "from":{"id":"29:a","name":"Ann","aadObjectId":"0000"},"recipient":{"id":"28:bot","name":"CrmBot"},"locale":"zh-TW",
             "conversation":{"id":"19:c@thread.tacv2;messageid=1","conversationType":"channel","tenantId":"t"},"text":"<at>CrmBot</at> team leaderboard",
             "entities":[{"type":"mention","mentioned":{"id":"28:bot","name":"CrmBot"},"text":"<at>CrmBot</at>"}],
             "channelData":{"tenant":{"id":"t"},"team":{"id":"19:team"},"channel":{"id":"19:c"}}}
            """)!.AsObject(),
        JsonNode.Parse("""
            {"type":"invoke","name":"adaptiveCard/action","id":"2","serviceUrl":"https://x/","channelId":"msteams","from":{"id":"29:a"},
             "conversation":{"id":"a:1","conversationType":"personal","tenantId":"t"},
             "value":{"action":{"type":"Action.Execute","verb":"snooze","data":{"opportunityId":"5","days":"7","nested":{"x":[1,2]}}},"trigger":"manual"}}
            """)!.AsObject(),
        JsonNode.Parse("""
            {"type":"message","id":"3","replyToId":"9","serviceUrl":"https://x/","from":{"id":"29:a"},"conversation":{"id":"a:1"},
             "value":{"verb":"logActivity","type":"call","opportunityId":"5","notes":"n"}}
            """)!.AsObject(),
        JsonNode.Parse("""{"type":"conversationUpdate","membersAdded":[{"id":"28:bot"}],"conversation":{"id":"19:c"},"channelData":{"eventType":"teamMemberAdded"}}""")!.AsObject(),
    ];

    private static readonly JsonObject[] SlackSeeds =
    [
        JsonNode.Parse("""
            {"type":"event_callback","team_id":"T1","event_id":"Ev1","authorizations":[{"user_id":"UBOT","is_bot":true}],
             "event":{"type":"app_mention","user":"U1","text":"<@UBOT> team leaderboard","channel":"C1","ts":"1.1","thread_ts":"1.0","team":"T1"}}
            """)!.AsObject(),
        JsonNode.Parse("""{"type":"event_callback","team_id":"T1","event":{"type":"message","channel_type":"im","user":"U1","text":"my pipeline","channel":"D1"}}""")!.AsObject(),
        JsonNode.Parse("""{"type":"url_verification","challenge":"abc","token":"t"}""")!.AsObject(),
        JsonNode.Parse("""
            {"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1","team_id":"T1"},"trigger_id":"tr","response_url":"https://hooks.slack.com/x",
             "container":{"type":"message","message_ts":"1.1","channel_id":"C1","is_ephemeral":true},"channel":{"id":"C1"},"message":{"ts":"1.1","thread_ts":"1.0"},
             "actions":[{"action_id":"snooze:0","value":"{\"opportunityId\":\"5\",\"days\":\"7\"}","type":"button"},
                        {"action_id":"logActivity:1","selected_option":{"value":"{\"type\":\"call\"}"},"type":"static_select"}]}
            """)!.AsObject(),
        JsonNode.Parse("""
            {"type":"view_submission","team":{"id":"T1"},"user":{"id":"U1"},
             "view":{"callback_id":"logActivity","private_metadata":"{\"channelId\":\"C1\",\"isDirect\":false,\"language\":\"en\",\"data\":{\"opportunityId\":\"5\",\"type\":\"call\"}}",
                     "state":{"values":{"notes":{"notes":{"type":"plain_text_input","value":"called"}}}}}}
            """)!.AsObject(),
    ];

    private static readonly string[] SlackCommandSeeds =
    [
        "token=x&team_id=T1&team_domain=d&channel_id=C1&channel_name=general&user_id=U1&user_name=ann&command=%2Fcrm&text=team+leaderboard&response_url=https%3A%2F%2Fhooks.slack.com%2Fc&trigger_id=t",
        "ssl_check=1&token=x",
        "user_id=U1&text=%E6%9C%AC%E5%AD%A3%E5%A4%B1%E5%8E%BB%E7%9A%84%E6%A9%9F%E6%9C%83",
    ];

    [Fact]
    public void TeamsActivity_ParsesOrRefuses_EveryGeneratedBody()
    {
        var fuzz = new FuzzInputs(seed: 20261127);
        var parsed = 0;
        for (var i = 0; i < Inputs; i++)
        {
            var body = fuzz.Mutate(TeamsSeeds[i % TeamsSeeds.Length]);
            if (Translate(body, i))
                parsed++;
        }
        // Both outcomes must be common, or the generator is not reaching past the parser (or not hostile).
        Assert.InRange(parsed, Inputs / 10, Inputs - Inputs / 10);
    }

    /// <summary>What the endpoint and the turn handler read from an activity before any database or engine work.</summary>
    private static bool Translate(byte[] body, int input)
    {
        try
        {
            if (TeamsEndpoint.ParseActivity(body) is not { } activity)
                return false;
            _ = (activity.Type, activity.Name, activity.TenantId, activity.TeamId, activity.TeamsChannelId, activity.IsPersonal, activity.Locale);
            _ = activity.TextWithoutBotMention();
            _ = TeamsTurnHandler.ReadInvokeAction(activity);
            _ = ConversationReferences.Workspace(activity);
            if (activity.Conversation?.Id is { } id)
                _ = ConversationReferences.ChannelConversationId(id);
            return true;
        }
        catch (Exception e)
        {
            Assert.Fail($"input {input} ({Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 300)]}) threw {e}");
            return false;
        }
    }

    [Fact]
    public async Task SlackPayloads_ParseOrAreRefused_ForEveryGeneratedBody()
    {
        using var database = new TestDatabase();
        var services = new ServiceCollection().AddScoped(_ => database.NewContext()).BuildServiceProvider();
        var options = Options.Create(new SlackOptions { QueueCapacity = 100_000 });
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var inbound = new SlackInbound(new SlackTurnQueue(scopes, options, NullLogger<SlackTurnQueue>.Instance),
            new SlackEventDeduplicator(scopes, TimeProvider.System, NullLogger<SlackEventDeduplicator>.Instance),
            NullLogger<SlackInbound>.Instance);
        var fuzz = new FuzzInputs(seed: 31);
        var answered = 0;

        for (var i = 0; i < Inputs; i++)
        {
            byte[] body;
            try
            {
                switch (i % 3)
                {
                    case 0: // a slash command form
                        body = fuzz.MutateBytes(Encoding.UTF8.GetBytes(SlackCommandSeeds[i % SlackCommandSeeds.Length]));
                        _ = inbound.HandleCommand(SlackEndpoints.ParseForm(body));
                        answered++;
                        break;
                    case 1: // an Events API envelope
                        body = fuzz.Mutate(SlackSeeds[i % 3 == 1 ? (i / 3) % 3 : 0]);
                        if (SlackEndpoints.ParseJson(body) is { } envelope)
                        {
                            inbound.HandleEvent(envelope);
                            answered++;
                        }
                        break;
                    default: // an interactivity payload, form-encoded as Slack posts it
                        var payload = fuzz.Mutate(SlackSeeds[3 + (i / 3) % 2]);
                        body = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(Encoding.UTF8.GetString(payload)));
                        if (SlackEndpoints.ParseJson(Encoding.UTF8.GetBytes(SlackEndpoints.ParseForm(body)["payload"]?.GetValue<string>() ?? "")) is { } parsed)
                        {
                            _ = inbound.HandleInteraction(parsed);
                            answered++;
                        }
                        break;
                }
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} threw {e}");
            }
        }
        Assert.InRange(answered, Inputs / 3, Inputs - Inputs / 10);
    }
}
