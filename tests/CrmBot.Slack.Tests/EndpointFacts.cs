using CrmBot.Core.Commands;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Slack.Blocks;
using CrmBot.Slack.Http;
using CrmBot.Slack.Inbound;
using CrmBot.Slack.Tests.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CrmBot.Slack.Tests;

public sealed class EndpointFacts : SlackHostTest
{
    private static readonly BlockKitRenderer Renderer = new();

    [Fact]
    public async Task SlashCommand_AcksBeforeTheReport_ThenPostsRenderedBlocksViaResponseUrl()
    {
        Engine.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using var ack = await Host.PostFormAsync("/slack/commands", Command("my stale deals"));

        // The ack came back while the report is still blocked: nothing answered yet.
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var ackBody = JsonNode.Parse(await ack.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", ackBody["response_type"]!.GetValue<string>());
        Assert.Contains("my stale deals", ackBody["text"]!.GetValue<string>());
        Assert.Empty(Slack.Calls("response_url"));

        Engine.Gate.SetResult();
        var answer = await Slack.WaitForAsync("response_url");
        var turn = Assert.Single(Engine.Turns);
        Assert.Equal("my stale deals", turn.Text);
        Assert.Equal(Ann, turn.Asker);
        Assert.Equal(new ChatContext(ChatPlatform.Slack, Team, "C1", "U1", IsPersonal: false), turn.Context);

        var expected = Renderer.Render(Engine.Answer(turn));
        Assert.True(JsonNode.DeepEquals(expected.Blocks, answer.Json!["blocks"]), answer.Text);
        Assert.Equal(expected.Text, answer.Json!["text"]!.GetValue<string>());
        Assert.Equal("in_channel", answer.Json!["response_type"]!.GetValue<string>());
        Assert.Empty(answer.Authorization!);

        // First contact: the Slack user was linked by the e-mail of users.info (form-encoded read, bot token).
        var lookup = Assert.Single(Slack.Calls("users.info"));
        Assert.Equal("Bearer " + SlackTestHost.BotToken, lookup.Authorization);
        Assert.StartsWith("application/x-www-form-urlencoded", lookup.ContentType);
        Assert.Equal("U1", lookup.Form["user"]);
    }

    public static TheoryData<string, string> BadRequests()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { "/slack/commands", "/slack/events", "/slack/interactions" })
            foreach (var flaw in new[] { "bad signature", "wrong secret", "six minutes old", "missing headers", "missing signature",
                         "missing timestamp", "body altered after signing" })
                data.Add(path, flaw);
        return data;
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Requests_Get401AndRunNothing_WhenNotSignedBySlack(string path, string flaw)
    {
        var (body, contentType) = path switch
        {
            "/slack/commands" => (SlackTestHost.Form(Command("pipeline")), "application/x-www-form-urlencoded"),
            "/slack/events" => (Event("EvBad", Mention($"<@{BotUser}> pipeline")), "application/json"),
            _ => (SlackTestHost.Form(new Dictionary<string, string> { ["payload"] = ButtonClick("run:0", """{"command":"pipeline"}""").ToJsonString() }),
                "application/x-www-form-urlencoded"),
        };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var timestamp = (flaw == "six minutes old" ? now - 360 : now).ToString();
        var secret = flaw == "wrong secret" ? "not-the-signing-secret" : SlackTestHost.SigningSecret;
        var signature = flaw == "bad signature" ? "v0=" + new string('0', 64) : SlackSignature.Compute(secret, timestamp, Encoding.UTF8.GetBytes(body));
        var sent = flaw == "body altered after signing" ? body.Replace("pipeline", "pipelinf") : body;

        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(sent, Encoding.UTF8, contentType) };
        if (flaw is not ("missing headers" or "missing timestamp")) request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
        if (flaw is not ("missing headers" or "missing signature")) request.Headers.Add(SlackSignature.SignatureHeader, signature);
        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // A good request afterwards is answered; the bad one never reached the engine or Slack.
        using var sentinel = await Host.PostFormAsync("/slack/commands", Command("sentinel", responseId: "sentinel"));
        await WaitForTurnAsync("sentinel");
        await Slack.WaitForAsync("response_url");
        Assert.Equal(["sentinel"], Engine.Turns.Select(t => t.Text ?? t.Action!.Verb));
        Assert.Single(Slack.Calls("response_url"));
    }

    [Fact]
    public async Task UrlVerification_AnswersTheChallenge_WhenSigned()
    {
        const string body = """{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""";

        using var response = await Host.PostJsonAsync("/slack/events", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", json["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task UrlVerification_Is401_WhenUnsigned()
    {
        using var response = await Host.Client.PostAsync("/slack/events",
            new StringContent("""{"challenge":"abc","type":"url_verification"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("abc", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SslCheck_IsAnswered200AndNothingElse()
    {
        using var response = await Host.Client.PostAsync("/slack/commands",
            new StringContent("ssl_check=1&token=deprecated", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var sentinel = await Host.PostFormAsync("/slack/commands", Command("sentinel"));
        await WaitForTurnAsync("sentinel");
        Assert.Single(Engine.Turns);
    }

    [Fact]
    public async Task EventRetries_AreAnsweredOnce()
    {
        var mention = Event("Ev1", Mention($"<@{BotUser}> pipeline"));

        using var first = await Host.PostJsonAsync("/slack/events", mention);
        using var retry1 = await Host.PostJsonAsync("/slack/events", mention,
            new Dictionary<string, string> { ["X-Slack-Retry-Num"] = "1", ["X-Slack-Retry-Reason"] = "http_timeout" });
        using var retry2 = await Host.PostJsonAsync("/slack/events", mention,
            new Dictionary<string, string> { ["X-Slack-Retry-Num"] = "2", ["X-Slack-Retry-Reason"] = "http_timeout" });
        using var sentinel = await Host.PostJsonAsync("/slack/events", Event("Ev2", Mention($"<@{BotUser}> sentinel")));
        await WaitForTurnAsync("sentinel");
        await WaitUntilAsync(() => Slack.Calls("chat.postMessage").Count >= 2, "two answers");

        Assert.All(new[] { first, retry1, retry2 }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(["pipeline", "sentinel"], Engine.Turns.Select(t => t.Text));
        Assert.Equal(2, Slack.Calls("chat.postMessage").Count);
        await using var db = Database.NewContext();
        Assert.True(await db.ProcessedEvents.AnyAsync(p => p.Key == "slack:event:Ev1"));
    }

    [Fact]
    public async Task EventRetries_AreAnsweredOnce_WhenTheRetryReachesAnotherInstance()
    {
        var otherEngine = new FakeChatEngine();
        await using var other = await SlackTestHost.StartAsync(Slack, Database, otherEngine, Linker);
        var mention = Event("EvShared", Mention($"<@{BotUser}> pipeline"));

        using var first = await Host.PostJsonAsync("/slack/events", mention);
        using var retry = await other.PostJsonAsync("/slack/events", mention,
            new Dictionary<string, string> { ["X-Slack-Retry-Num"] = "1", ["X-Slack-Retry-Reason"] = "http_timeout" });
        using var sentinel = await other.PostJsonAsync("/slack/events", Event("EvOther", Mention($"<@{BotUser}> sentinel")));
        await WaitUntilAsync(() => otherEngine.Turns.Any(t => t.Text == "sentinel"), "the other instance's sentinel");
        await WaitForTurnAsync("pipeline");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(["sentinel"], otherEngine.Turns.Select(t => t.Text));
        Assert.Equal(["pipeline"], Engine.Turns.Select(t => t.Text));
    }

    [Theory]
    [InlineData("<@UBOT> stale deals for <@U777>", "stale deals for <@U777>")]
    [InlineData("<@UBOT|crmbot>   my plan", "my plan")]
    [InlineData("team leaderboard <@UBOT>", "team leaderboard")]
    [InlineData("<@UBOT>", "help")]
    public async Task AppMention_PassesTheTextWithoutTheBotMention(string text, string expected)
    {
        using var response = await Host.PostJsonAsync("/slack/events", Event("EvM", Mention(text)));

        await WaitUntilAsync(() => !Engine.Turns.IsEmpty, "the mention");
        Assert.Equal(expected, Assert.Single(Engine.Turns).Text);
        var posted = await Slack.WaitForAsync("chat.postMessage");
        Assert.Equal("C1", posted.Json!["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_FromBotsOurselvesEditsAndChannels_AreIgnored()
    {
        var fromBot = DirectMessage("pipeline"); fromBot["bot_id"] = "B1";
        var edited = DirectMessage("pipeline"); edited["subtype"] = "message_changed";
        var fromUs = DirectMessage("pipeline", user: BotUser);
        var inChannel = DirectMessage("pipeline", channel: "C1"); inChannel["channel_type"] = "channel";
        var i = 0;
        foreach (var e in new[] { fromBot, edited, fromUs, inChannel })
        {
            using var response = await Host.PostJsonAsync("/slack/events", Event($"EvIgnored{i++}", e));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var sentinel = await Host.PostJsonAsync("/slack/events", Event("EvSentinel", DirectMessage("sentinel")));
        await WaitForTurnAsync("sentinel");
        Assert.Equal(["sentinel"], Engine.Turns.Select(t => t.Text));
    }

    [Fact]
    public async Task DirectMessage_IsAnsweredInTheDm_AndItsChannelIsStoredForNudges()
    {
        using var response = await Host.PostJsonAsync("/slack/events", Event("EvDm", DirectMessage("my plan", channel: "D42")));

        var posted = await Slack.WaitForAsync("chat.postMessage");
        Assert.Equal("D42", posted.Json!["channel"]!.GetValue<string>());
        Assert.True(Assert.Single(Engine.Turns).Context.IsPersonal);
        await using var db = Database.NewContext();
        var stored = await db.ConversationRefs.SingleAsync();
        Assert.Equal((ChatPlatform.Slack, Team, "D42", "im", (int?)Ann.UserId, "U1"),
            (stored.Platform, stored.Workspace, stored.ConversationId, stored.ConversationType, stored.UserId, stored.PlatformUserId));
        Assert.Empty(Slack.Calls("conversations.open"));
    }

    [Fact]
    public async Task PersonalAnswer_ToAMentionInAChannel_IsEphemeral_AndTheDmIsOpenedForLater()
    {
        Engine.Answer = turn => new Reply { Kind = ReplyKind.Report, Language = "en", Title = "Your stale deals", Visibility = Visibility.Private };

        using var response = await Host.PostJsonAsync("/slack/events", Event("EvP", Mention($"<@{BotUser}> my stale deals")));

        var ephemeral = await Slack.WaitForAsync("chat.postEphemeral");
        Assert.Equal("C1", ephemeral.Json!["channel"]!.GetValue<string>());
        Assert.Equal("U1", ephemeral.Json!["user"]!.GetValue<string>());
        Assert.Empty(Slack.Calls("chat.postMessage"));
        Assert.Equal("U1", Assert.Single(Slack.Calls("conversations.open")).Json!["users"]!.GetValue<string>());
        await using var db = Database.NewContext();
        Assert.Equal("DU1", (await db.ConversationRefs.SingleAsync(c => c.UserId == Ann.UserId)).ConversationId);
    }

    [Fact]
    public async Task PersonalRecords_AskedForWithASlashCommandInAChannel_AreEphemeral()
    {
        Engine.Answer = turn => new Reply
        {
            Kind = ReplyKind.Report, Language = "en", Title = "Stale deals",
            Report = new Core.Reports.ReportResult
            {
                Kind = Core.Commands.ReportKind.StaleDeals, Language = "en", Title = "Stale deals", Scope = "Ann Rep",
                AsOf = new DateOnly(2017, 9, 30), Context = "Ann Rep · as of 2017-09-30", HasPersonalRecords = true,
            },
        };

        using var ack = await Host.PostFormAsync("/slack/commands", Command("my stale deals"));

        var answer = await Slack.WaitForAsync("response_url");
        Assert.Equal("ephemeral", answer.Json!["response_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task PersonalAnswer_ToASlashCommandInTheBotsDm_IsPostedThere()
    {
        Engine.Answer = turn => new Reply { Kind = ReplyKind.Report, Language = "en", Title = "Your plan", Visibility = Visibility.Private };

        using var ack = await Host.PostFormAsync("/slack/commands", Command("my plan", channel: "DU1"));

        var answer = await Slack.WaitForAsync("response_url");
        Assert.Equal("in_channel", answer.Json!["response_type"]!.GetValue<string>());
        Assert.True(Assert.Single(Engine.Turns).Context.IsPersonal);
    }

    [Fact]
    public async Task PersonalAnswer_ToASlashCommandInADmBetweenTwoPeople_IsEphemeral()
    {
        Engine.Answer = turn => new Reply { Kind = ReplyKind.Report, Language = "en", Title = "Your plan", Visibility = Visibility.Private };

        // D77 is Ann's DM with a colleague, not with the bot (that one is DU1).
        using var ack = await Host.PostFormAsync("/slack/commands", Command("my plan", channel: "D77"));

        var answer = await Slack.WaitForAsync("response_url");
        Assert.Equal("ephemeral", answer.Json!["response_type"]!.GetValue<string>());
        Assert.False(Assert.Single(Engine.Turns).Context.IsPersonal);
    }

    [Fact]
    public async Task UnlinkedUser_IsToldHowToGetLinked_AndTheEngineIsNotAsked()
    {
        Slack.Emails["U9"] = "stranger@example.com";

        using var ack = await Host.PostFormAsync("/slack/commands", Command("pipeline", user: "U9"));

        var answer = await Slack.WaitForAsync("response_url");
        var expected = Renderer.Render(SlackTexts.NotLinked("en", "stranger@example.com"));
        Assert.True(JsonNode.DeepEquals(expected.Blocks, answer.Json!["blocks"]), answer.Text);
        Assert.Contains("stranger@example.com", answer.Text);
        Assert.Equal("ephemeral", answer.Json!["response_type"]!.GetValue<string>());
        Assert.Empty(Engine.Turns);
    }

    // A click has no text to tell its language by: the reply it was on says zh-TW, so its not-linked answer is in Chinese.
    [Fact]
    public async Task UnlinkedUser_ClickingAChineseButton_IsAnsweredInChinese()
    {
        Slack.Emails["U9"] = "stranger@example.com";
        var click = ButtonClick("page:0", """{"request":"r42","replyLanguage":"zh-TW"}""");
        click["user"]!["id"] = "U9";

        using var response = await PostInteractionAsync(click);

        var answer = await Slack.WaitForAsync("response_url");
        var expected = Renderer.Render(SlackTexts.NotLinked("zh-TW", "stranger@example.com"));
        Assert.True(JsonNode.DeepEquals(expected.Blocks, answer.Json!["blocks"]), answer.Text);
        Assert.Empty(Engine.Turns);
    }

    // Slack's error code is for the log: the user reads what to do.
    [Theory]
    [InlineData("expired_trigger_id", "zh-TW", "請再按一次按鈕")]
    [InlineData("channel_not_found", "en", "/invite")]
    [InlineData("invalid_blocks", "en", "tell your CRM admin")]
    public void SlackRefusals_AreSentences_WithoutTheErrorCode(string error, string language, string expected)
    {
        var text = SlackTexts.SlackRefused(language, error);

        Assert.Contains(expected, text);
        Assert.DoesNotContain(error, text);
    }

    // A form in a message (the settings): Slack sends what its inputs hold in the click's state, not in the button.
    // (Block and action ids are the input ids, SettingNames.*.)
    [Fact]
    public async Task SaveButtonOfAFormInAMessage_SendsWhatItsInputsHold()
    {
        var click = ButtonClick("saveSettings:0", """{"default.staleThresholdDays":"14","replyLanguage":"en"}""");
        click["state"] = JsonNode.Parse("""
            {"values":{
              "nudgeTime":{"nudgeTime":{"type":"timepicker","selected_time":"07:30"}},
              "workingDays":{"workingDays":{"type":"plain_text_input","value":"mon-thu"}},
              "language":{"language":{"type":"static_select","selected_option":{"text":{"type":"plain_text","text":"繁體中文"},"value":"zh-TW"}}},
              "staleThresholdDays":{"staleThresholdDays":{"type":"plain_text_input","value":"21"}},
              "nudgesEnabled":{"nudgesEnabled":{"type":"checkboxes","selected_options":[]}}
            }}
            """);

        using var response = await PostInteractionAsync(click);
        await WaitUntilAsync(() => !Engine.Turns.IsEmpty, "the save");

        var data = Assert.Single(Engine.Turns).Action!.Data;
        Assert.Equal(CardVerbs.SaveSettings, Assert.Single(Engine.Turns).Action!.Verb);
        Assert.Equal(("07:30", "mon-thu", "zh-TW", "21", "false"), (data[SettingNames.NudgeTime], data[SettingNames.WorkingDays],
            data[SettingNames.Language], data[SettingNames.StaleThresholdDays], data[SettingNames.NudgesEnabled]));
        Assert.Equal("14", data["default.staleThresholdDays"]);   // the button's own data comes along
    }

    [Fact]
    public async Task ShowMoreButton_ReplacesTheMessageThroughResponseUrl()
    {
        using var response = await PostInteractionAsync(ButtonClick("page:0", """{"request":"r42"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await Slack.WaitForAsync("response_url");
        var turn = Assert.Single(Engine.Turns);
        Assert.Equal(CardVerbs.Page, turn.Action!.Verb);
        Assert.Equal("r42", turn.Action.Data["request"]);
        Assert.True(answer.Json!["replace_original"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(Renderer.Render(Engine.Answer(turn)).Blocks, answer.Json!["blocks"]));
    }

    [Fact]
    public async Task ShowMoreButton_UpdatesTheMessageWithChatUpdate_WhenResponseUrlHasExpired()
    {
        Slack.Script("response_url", 404, "expired_url");

        using var response = await PostInteractionAsync(ButtonClick("page:3", """{"request":"r43"}"""));

        var update = await Slack.WaitForAsync("chat.update");
        Assert.Equal("C1", update.Json!["channel"]!.GetValue<string>());
        Assert.Equal("1700000000.000300", update.Json!["ts"]!.GetValue<string>());
        Assert.True(Host.Logs.Contains(LogLevel.Information, "expired_url"));
    }

    [Fact]
    public async Task LinkButtonClick_IsAckedAndRunsNothing()
    {
        var click = ButtonClick("open:0", "");
        click["actions"]![0]!.AsObject().Remove("value");
        click["actions"]![0]!["url"] = "https://crm.example.com/opportunities/7";

        using var response = await PostInteractionAsync(click);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var sentinel = await Host.PostFormAsync("/slack/commands", Command("sentinel"));
        await WaitForTurnAsync("sentinel");
        Assert.Single(Engine.Turns);
    }

    [Fact]
    public async Task LogCallButton_OpensAModal_AndItsSubmissionLogsTheCallWithTheNotes()
    {
        Engine.Answer = turn => new Reply { Kind = ReplyKind.Confirmation, Language = "en", Title = "Call logged", Visibility = Visibility.Private };

        using var click = await PostInteractionAsync(ButtonClick("logActivity:1", """{"type":"call","opportunityId":"7"}"""));
        var opened = await Slack.WaitForAsync("views.open");
        Assert.Equal("trigger-1", opened.Json!["trigger_id"]!.GetValue<string>());
        Assert.Empty(Engine.Turns);

        var view = opened.Json!["view"]!.AsObject();
        using var empty = await PostInteractionAsync(Submission(view, "   "));
        var errors = JsonNode.Parse(await empty.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", errors["response_action"]!.GetValue<string>());
        Assert.NotNull(errors["errors"]![ActionForms.Notes]);

        using var submitted = await PostInteractionAsync(Submission(view, "talked pricing"));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal("", await submitted.Content.ReadAsStringAsync());
        var confirmation = await Slack.WaitForAsync("chat.postEphemeral");
        var turn = Assert.Single(Engine.Turns);
        Assert.Equal(CardVerbs.LogActivity, turn.Action!.Verb);
        Assert.Equal(new Dictionary<string, string> { ["type"] = "call", ["opportunityId"] = "7", ["notes"] = "talked pricing" },
            turn.Action.Data.ToDictionary());
        Assert.Equal("C1", confirmation.Json!["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task AModalOpenedFromAChineseReply_IsInChinese_WhateverTheUsersSetting()
    {
        // Ann's setting is English; the button is on a reply asked in Chinese.
        using var click = await PostInteractionAsync(ButtonClick("logActivity:1", $$"""{"type":"call","opportunityId":"7","{{ReplyButtons.ReplyLanguage}}":"zh-TW"}"""));
        var view = (await Slack.WaitForAsync("views.open")).Json!["view"]!;

        Assert.Equal("儲存", view["submit"]!["text"]!.GetValue<string>());
        Assert.Equal(SlackTexts.Cancel("zh-TW"), view["close"]!["text"]!.GetValue<string>());
        Assert.NotEqual(SlackTexts.Cancel("en"), SlackTexts.Cancel("zh-TW"));
        Assert.Contains("\"備註\"", view.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task RefusedAnswer_IsLoggedWithSlacksErrorCode_AndTheUserIsToldInADm()
    {
        Slack.Script("chat.postMessage", 200, """{"ok":false,"error":"not_in_channel"}""");

        using var response = await Host.PostJsonAsync("/slack/events", Event("EvRefused", Mention($"<@{BotUser}> pipeline")));

        var notice = await Slack.WaitForAsync("chat.postMessage", c => c.Json!["channel"]!.GetValue<string>() == "DU1");
        Assert.Contains("/invite", notice.Json!["text"]!.GetValue<string>());          // what to do, in words
        Assert.DoesNotContain("not_in_channel", notice.Json!["text"]!.GetValue<string>());
        Assert.True(Host.Logs.Contains(LogLevel.Error, "not_in_channel"));               // the code, for the admin
    }

    private Task<HttpResponseMessage> PostInteractionAsync(JsonObject payload) =>
        Host.PostFormAsync("/slack/interactions", new Dictionary<string, string> { ["payload"] = payload.ToJsonString() });

    private JsonObject ButtonClick(string actionId, string value) => new()
    {
        ["type"] = "block_actions",
        ["user"] = new JsonObject { ["id"] = "U1", ["username"] = "ann", ["team_id"] = Team },
        ["team"] = new JsonObject { ["id"] = Team, ["domain"] = "acme" },
        ["api_app_id"] = "A1",
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000300", ["channel_id"] = "C1", ["is_ephemeral"] = false },
        ["channel"] = new JsonObject { ["id"] = "C1", ["name"] = "sales" },
        ["message"] = new JsonObject { ["ts"] = "1700000000.000300", ["type"] = "message" },
        ["trigger_id"] = "trigger-1",
        ["response_url"] = Slack.ResponseUrl("button"),
        ["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = actionId, ["block_id"] = "b1", ["type"] = "button", ["value"] = value, ["action_ts"] = "1700000001.000001",
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Go" },
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
                    [ActionForms.Notes] = new JsonObject
                    {
                        [ActionForms.Notes] = new JsonObject { ["type"] = "plain_text_input", ["value"] = notes },
                    },
                },
            },
        },
    };
}
