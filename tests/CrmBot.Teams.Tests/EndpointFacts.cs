using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CrmBot.Core.Data;
using CrmBot.Teams.Tests.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams.Tests;

/// <summary>
/// POST /api/messages on a real Kestrel (127.0.0.1:0) with a real SQLite database, replying to a fake Bot
/// Connector on 127.0.0.1. Activities are shaped like the ones Teams and offline-directline really send
/// (protocols.md section 3, harness-notes.md).
/// </summary>
public sealed class EndpointFacts : IAsyncLifetime
{
    private const string Tenant = "tenant-1";
    private RecordingServer _connector = null!;
    private TeamsTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _connector = await RecordingServer.StartAsync();
        _host = await TeamsTestHost.StartAsync(new Dictionary<string, string?> { ["Teams:InvokeBudget"] = "00:00:02" });
        _host.Linker.ByPlatformUserId["29:ada"] = FakeIdentityLinker.Asker(1);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _connector.DisposeAsync();
    }

    private async Task<HttpResponseMessage> PostAsync(string json, TeamsTestHost? host = null, string? bearer = null)
    {
        host ??= _host;
        using var request = new HttpRequestMessage(HttpMethod.Post, host.BaseUrl + "/api/messages") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await host.Http.SendAsync(request);
    }

    /// <summary>What Web Chat posts through offline-directline: no recipient, no timestamp, channel "emulator".</summary>
    private string WebChatMessage(string text, string from = "29:ada") => new JsonObject
    {
        ["type"] = "message", ["id"] = "act-1", ["text"] = text, ["textFormat"] = "plain", ["channelId"] = "emulator", ["locale"] = "en-US",
        ["from"] = new JsonObject { ["id"] = from, ["name"] = "Ada", ["role"] = "user" },
        ["conversation"] = new JsonObject { ["id"] = "conv-1" }, ["serviceUrl"] = _connector.BaseUrl,
        ["entities"] = new JsonArray(new JsonObject { ["type"] = "ClientCapabilities", ["requiresBotState"] = true }),
        ["localTimezone"] = "UTC", ["attachments"] = new JsonArray(),
    }.ToJsonString();

    /// <summary>A Teams channel message in a thread, @mentioning the bot.</summary>
    private string TeamsChannelMessage(string text) => new JsonObject
    {
        ["type"] = "message", ["id"] = "1700000000002", ["text"] = $"<at>CrmBot</at> {text}", ["channelId"] = "msteams",
        ["timestamp"] = "2026-11-27T09:00:00.000Z", ["locale"] = "zh-TW",
        ["from"] = new JsonObject { ["id"] = "29:ada", ["name"] = "Ada", ["aadObjectId"] = "aad-ada" },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "CrmBot" },
        ["conversation"] = new JsonObject { ["id"] = "19:sales@thread.tacv2;messageid=1700000000001", ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = Tenant },
        ["serviceUrl"] = _connector.BaseUrl + "/amer/",
        ["entities"] = new JsonArray(new JsonObject { ["type"] = "mention", ["text"] = "<at>CrmBot</at>", ["mentioned"] = new JsonObject { ["id"] = "28:bot", ["name"] = "CrmBot" } }),
        ["channelData"] = new JsonObject
        {
            ["tenant"] = new JsonObject { ["id"] = Tenant }, ["team"] = new JsonObject { ["id"] = "19:team@thread.tacv2" },
            ["channel"] = new JsonObject { ["id"] = "19:sales@thread.tacv2" },
        },
    }.ToJsonString();

    private static string CardText(RecordedRequest request) =>
        string.Join(" | ", request.Json!["attachments"]![0]!["content"]!["body"]!.AsArray().Select(b => (string?)b!["text"]));

    [Fact]
    public async Task Message_IsAckedAndAnsweredWithACardInTheSameConversation()
    {
        var response = await PostAsync(WebChatMessage("my stale deals"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await _connector.WaitForAsync(r => r.RawTarget == "/v3/conversations/conv-1/activities/act-1");
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)reply.Json!["attachments"]![0]!["contentType"]);
        Assert.IsType<JsonObject>(reply.Json!["attachments"]![0]!["content"]); // an object, never a JSON string
        Assert.Contains("Echo: my stale deals", CardText(reply));
        Assert.Equal("29:ada", (string?)reply.Json!["recipient"]!["id"]);
        Assert.Equal("act-1", (string?)reply.Json!["replyToId"]);
        Assert.Null(reply.Header("Authorization")); // local mode: no token is fetched or sent
    }

    [Fact]
    public async Task Message_SendsTypingBeforeTheAnswer()
    {
        await PostAsync(WebChatMessage("pipeline"));
        await _connector.WaitForAsync(r => r.RawTarget.EndsWith("/activities/act-1"));
        var types = _connector.Requests.Select(r => (string?)r.Json!["type"]).ToList();
        Assert.Equal("typing", types[0]);
        Assert.Equal("message", types[^1]);
    }

    // A typing indicator is one attempt: a throttled one is dropped, never waited for, and the answer still comes.
    [Fact]
    public async Task Message_AnswersAtOnce_WhenTheTypingIndicatorIsThrottled()
    {
        _connector.Respond = r => (string?)r.Json?["type"] == "typing"
            ? new FakeResponse(429, """{"error":{"code":"TooManyRequests"}}""", new Dictionary<string, string> { ["Retry-After"] = "20" })
            : FakeResponse.Json("""{"id":"m"}""");

        await PostAsync(WebChatMessage("pipeline"));
        await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");

        var types = _connector.Requests.Select(r => (string?)r.Json!["type"]).ToList();
        Assert.Equal(["typing", "message"], types);
    }

    [Fact]
    public async Task ChannelMessage_StripsTheMention_AndAnswersInTheThread()
    {
        await PostAsync(TeamsChannelMessage("team leaderboard"));

        var reply = await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");
        Assert.Equal("/amer/v3/conversations/19%3Asales%40thread.tacv2%3Bmessageid%3D1700000000001/activities/1700000000002", reply.RawTarget);
        var call = Assert.Single(_host.Engine.Calls);
        Assert.Equal("team leaderboard", call.Text);
        Assert.False(call.Context.IsPersonal);
        Assert.Equal(Tenant, call.Context.Workspace);
        Assert.Equal("zh-TW", call.Context.ClientLocale);
        Assert.Equal("28:bot", (string?)reply.Json!["from"]!["id"]);
    }

    [Fact]
    public async Task FirstContact_LooksUpTheEmailInTheTeamRoster_AndLinks()
    {
        _host.Linker.ByPlatformUserId.Clear();
        _host.Linker.ByEmail["ada@example.com"] = FakeIdentityLinker.Asker(1);
        _connector.Respond = r => r.Method == "GET"
            ? FakeResponse.Json("""{"id":"29:ada","name":"Ada","objectId":"aad-ada","email":"ada@example.com","userPrincipalName":"ada@example.com"}""")
            : FakeResponse.Json("""{"id":"x"}""");

        await PostAsync(TeamsChannelMessage("my plan"));

        await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");
        Assert.Single(_connector.Requests, r => r.RawTarget == "/amer/v3/conversations/19%3Ateam%40thread.tacv2/members/29%3Aada");
        var link = Assert.Single(_host.Linker.Calls);
        Assert.Equal(("29:ada", "aad-ada", "ada@example.com"), link);
        Assert.Single(_host.Engine.Calls);
    }

    [Fact]
    public async Task UnlinkedUser_IsToldToAskTheAdmin_AndSeesNothingElse()
    {
        _connector.Respond = r => r.Method == "GET"
            ? FakeResponse.Json("""{"id":"29:eve","email":"eve@example.com"}""")
            : FakeResponse.Json("""{"id":"x"}""");

        await PostAsync(WebChatMessage("lost deals", from: "29:eve"));

        var reply = await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");
        Assert.Contains("admin", CardText(reply));
        Assert.Contains("eve@example.com", CardText(reply));
        Assert.Empty(_host.Engine.Calls);
    }

    // Written in Chinese from an English client: the channel's own reply (not linked) is in Chinese too.
    [Fact]
    public async Task UnlinkedUser_WritingInChinese_IsAnsweredInChinese()
    {
        _connector.Respond = r => r.Method == "GET"
            ? FakeResponse.Json("""{"id":"29:eve","email":"eve@example.com"}""")
            : FakeResponse.Json("""{"id":"x"}""");

        await PostAsync(WebChatMessage("本季失去的機會", from: "29:eve"));

        var reply = await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");
        Assert.Contains("管理員", CardText(reply));
        Assert.Empty(_host.Engine.Calls);
    }

    [Fact]
    public async Task PrivateAnswerAskedInAChannel_GoesToThe1To1Chat_AndTheChannelIsToldSo()
    {
        await ArrangePrivateAnswersAsync();

        await PostAsync(TeamsChannelMessage("my stale deals"));

        var inChannel = await _connector.WaitForAsync(r => r.RawTarget.Contains("19%3Asales") && (string?)r.Json?["type"] == "message");
        Assert.Contains("privately", CardText(inChannel));
        var direct = Assert.Single(_connector.Requests, r => r.RawTarget == "/amer/v3/conversations/a%3Adm-ada/activities");
        Assert.Contains("Echo: my stale deals", CardText(direct));
    }

    [Fact]
    public async Task PrivateAnswerToAButtonInAChannel_LeavesTheCard_AndGoesToThe1To1Chat()
    {
        await ArrangePrivateAnswersAsync();
        var invoke = JsonNode.Parse(TeamsChannelMessage(""))!.AsObject();
        invoke["type"] = "invoke";
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "run", ["data"] = new JsonObject { ["command"] = "my plan" } } };

        var response = await PostAsync(invoke.ToJsonString());

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)body["type"]);
        Assert.Contains("private chat", (string?)body["value"]);
        var direct = Assert.Single(_connector.Requests, r => r.RawTarget == "/amer/v3/conversations/a%3Adm-ada/activities");
        Assert.Contains("Action: run command=my plan", CardText(direct));
    }

    /// <summary>Ada is a linked CRM user who never opened a 1:1 chat with the bot; the engine's answers are private.</summary>
    private async Task ArrangePrivateAnswersAsync()
    {
        await using (var db = _host.Database.NewTrackingContext())
        {
            var user = new User { Name = "Ada", Email = "ada@example.com" };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Teams, Workspace = Tenant, PlatformUserId = "29:ada", UserId = user.Id });
            await db.SaveChangesAsync();
            _host.Linker.ByPlatformUserId["29:ada"] = FakeIdentityLinker.Asker(user.Id);
        }
        _connector.Respond = r => r.RawTarget == "/amer/v3/conversations" ? FakeResponse.Json("""{"id":"a:dm-ada"}""") : FakeResponse.Json("""{"id":"m"}""");
        _host.Engine.Shape = r => r with { Visibility = Core.Chat.Visibility.Private };
    }

    [Fact]
    public async Task FailingTurn_IsAnsweredWithAPoliteErrorCard()
    {
        _host.Engine.Shape = _ => throw new InvalidOperationException("database is down");

        await PostAsync(WebChatMessage("pipeline"));

        var reply = await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");
        Assert.Contains("Something went wrong", CardText(reply));
        Assert.DoesNotContain("database is down", reply.Body);
    }

    [Fact]
    public async Task ActionSubmit_RunsTheVerb_AndReplacesTheClickedCard()
    {
        var submit = JsonNode.Parse(WebChatMessage(""))!.AsObject();
        submit.Remove("text");
        submit["replyToId"] = "card-7";
        submit["value"] = new JsonObject { ["verb"] = "snooze", ["opportunityId"] = "12", ["days"] = 7 };
        submit["channelData"] = new JsonObject { ["postBack"] = true };

        await PostAsync(submit.ToJsonString());

        var update = await _connector.WaitForAsync(r => r.Method == "PUT");
        Assert.Equal("/v3/conversations/conv-1/activities/card-7", update.RawTarget);
        Assert.Contains("Action: snooze days=7,opportunityId=12", CardText(update));
        Assert.Equal("card-7", (string?)update.Json!["id"]);
    }

    [Fact]
    public async Task ActionSubmit_AnswersWithANewMessage_WhenTheCardCannotBeUpdated()
    {
        _connector.Respond = r => r.Method == "PUT" ? new FakeResponse(404, "<html>Cannot PUT</html>") : new FakeResponse(200); // offline-directline
        var submit = JsonNode.Parse(WebChatMessage(""))!.AsObject();
        submit["replyToId"] = "card-7";
        submit["value"] = new JsonObject { ["verb"] = "run", ["command"] = "my plan" };

        await PostAsync(submit.ToJsonString());

        var reply = await _connector.WaitForAsync(r => r.Method == "POST" && (string?)r.Json?["type"] == "message");
        Assert.Contains("Action: run command=my plan", CardText(reply));
    }

    [Fact]
    public async Task ActionExecute_IsAnsweredWithTheReplacingCardInTheSameResponse()
    {
        var invoke = new JsonObject
        {
            ["type"] = "invoke", ["name"] = "adaptiveCard/action", ["id"] = "inv-1", ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = "29:ada" }, ["recipient"] = new JsonObject { ["id"] = "28:bot" },
            ["conversation"] = new JsonObject { ["id"] = "a:1to1", ["conversationType"] = "personal", ["tenantId"] = Tenant },
            ["serviceUrl"] = _connector.BaseUrl,
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "b1", ["verb"] = "page", ["data"] = new JsonObject { ["request"] = "r-1" } },
                ["trigger"] = "manual",
            },
        };

        var response = await PostAsync(invoke.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)body["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        Assert.Equal("AdaptiveCard", (string?)body["value"]!["type"]);
        Assert.Contains("Action: page request=r-1", body["value"]!.ToJsonString());
        Assert.DoesNotContain(_connector.Requests, r => r.Method == "POST" && (string?)r.Json?["type"] == "message");
    }

    [Fact]
    public async Task ActionExecute_CardIsSentAsSerializedOnce_NonAsciiAsItsCharacters_AndEqualToTheRenderedCard()
    {
        // The card's JSON is written into the response as it was measured: UTF-8 text, not \u escapes (a Chinese card
        // would otherwise be six times its size), and still JSON that parses to the very card the renderer made.
        Core.Chat.Reply? shown = null;
        _host.Engine.Shape = r => shown = r with { Title = "本季流失商機 <Q4> & “引號”", Text = "第二行 \\ \"quoted\"" };

        var response = await PostAsync(ForecastButtonInvoke("inv-zh"));

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Contains("本季流失商機 <Q4> & “引號”", raw);
        Assert.DoesNotContain("\\u", raw);
        var body = JsonNode.Parse(raw)!;
        Assert.Equal(200, (int)body["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        var rendered = _host.Services.GetRequiredService<CrmBot.Teams.Cards.AdaptiveCardRenderer>().Render(shown!);
        Assert.True(JsonNode.DeepEquals(rendered, body["value"]), body["value"]!.ToJsonString());
    }

    /// <summary>An Action.Execute of a "run forecast" button in Ada's 1:1 chat.</summary>
    private string ForecastButtonInvoke(string id) => new JsonObject
    {
        ["type"] = "invoke", ["name"] = "adaptiveCard/action", ["id"] = id, ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:ada" }, ["conversation"] = new JsonObject { ["id"] = "a:1to1" }, ["serviceUrl"] = _connector.BaseUrl,
        ["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "run", ["data"] = new JsonObject { ["command"] = "forecast" } } },
    }.ToJsonString();

    [Fact]
    public async Task ActionExecute_AnswersAtOnce_AndPostsTheCardLater_WhenTheReportIsSlow()
    {
        _host.Engine.Delay = TimeSpan.FromSeconds(4); // beyond the 2 s invoke budget of this host
        var response = await PostAsync(ForecastButtonInvoke("inv-2"));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)body["type"]);
        var late = await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");
        Assert.Contains("Action: run command=forecast", CardText(late));
    }

    [Fact]
    public async Task ActionExecute_ThatFailsAfterTheBudget_StillTellsTheUser_InALateMessage()
    {
        // Past the invoke budget the user has only "working on it": a failure then must still reach them.
        _host.Engine.Delay = TimeSpan.FromSeconds(4);
        _host.Engine.Shape = _ => throw new InvalidOperationException("the database went away");
        var response = await PostAsync(ForecastButtonInvoke("inv-3"));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(TeamsEndpoint.WorkingOnIt(null), (string?)body["value"]);
        var late = await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");
        Assert.Equal("/v3/conversations/a:1to1/activities", late.Path);
        Assert.Contains("try again", (string?)late.Json!["text"]);
        Assert.DoesNotContain("database", late.Body);
    }

    [Fact]
    public async Task Invoke_Returns400_WhenTheActionHasNoVerb()
    {
        var response = await PostAsync("""{"type":"invoke","name":"adaptiveCard/action","channelId":"msteams","value":{"action":{"type":"Action.Execute"}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.error", (string?)body["type"]);
    }

    [Fact]
    public async Task Invoke_Returns501_WhenNotACardAction()
    {
        var response = await PostAsync("""{"type":"invoke","name":"composeExtension/query","channelId":"msteams"}""");
        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"text":"no type"}""")]
    public async Task Post_Returns400_WhenNotAnActivity(string body)
    {
        var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ConversationUpdate_FromOfflineDirectline_IsAcked_AndStoresTheConversation()
    {
        var response = await PostAsync($$$"""{"type":"conversationUpdate","channelId":"emulator","serviceUrl":"{{{_connector.BaseUrl}}}","conversation":{"id":"conv-9"},"id":"u-1","membersAdded":[],"membersRemoved":[],"from":{"id":"offline-directline","name":"Offline Directline Server"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitUntilAsync(async () =>
        {
            await using var db = _host.Database.NewContext();
            return await db.ConversationRefs.AnyAsync(r => r.ConversationId == "conv-9" && r.ServiceUrl == _connector.BaseUrl);
        });
    }

    [Fact]
    public async Task Install_InATeam_StoresTheChannel_AndLaterActivitiesRefreshTheServiceUrl()
    {
        var install = $$$"""
            {"type":"conversationUpdate","channelId":"msteams","serviceUrl":"https://old.example/amer/","id":"i-1",
             "membersAdded":[{"id":"28:bot"}],"recipient":{"id":"28:bot"},"from":{"id":"29:admin"},
             "conversation":{"id":"19:team@thread.tacv2","conversationType":"channel","isGroup":true,"tenantId":"{{{Tenant}}}"},
             "channelData":{"eventType":"teamMemberAdded","team":{"id":"19:team@thread.tacv2"},"tenant":{"id":"{{{Tenant}}}"} } }
            """;
        await PostAsync(install);
        await WaitUntilAsync(async () =>
        {
            await using var db = _host.Database.NewContext();
            return await db.ConversationRefs.AnyAsync(r => r.ConversationId == "19:team@thread.tacv2" && r.ConversationType == "channel" && r.BotId == "28:bot");
        });

        var message = await PostAsync(TeamsChannelMessage("pipeline")); // arrives through the new serviceUrl
        Assert.Equal(HttpStatusCode.OK, message.StatusCode);

        await WaitUntilAsync(async () =>
        {
            await using var db = _host.Database.NewContext();
            return await db.ConversationRefs.AnyAsync(r => r.ConversationId == "19:team@thread.tacv2" && r.ServiceUrl == _connector.BaseUrl + "/amer/");
        }, ConversationStateAsync);
        await using var check = _host.Database.NewContext();
        Assert.Single(check.ConversationRefs.Where(r => r.ConversationId.StartsWith("19:sales"))); // the thread is stored once, as its channel
        Assert.Equal("19:sales@thread.tacv2", check.ConversationRefs.Single(r => r.ConversationId.StartsWith("19:sales")).ConversationId);
    }

    [Fact]
    public async Task PersonalChat_IsStoredWithTheCrmUser()
    {
        await PostAsync(WebChatMessage("help"));
        await WaitUntilAsync(async () =>
        {
            await using var db = _host.Database.NewContext();
            return await db.ConversationRefs.AnyAsync(r => r.ConversationId == "conv-1" && r.UserId == 1 && r.PlatformUserId == "29:ada" && r.ConversationType == "personal");
        });
    }

    [Fact]
    public async Task WithAppId_OnlyAuthenticatedActivitiesReachTheBot_AndRepliesCarryTheBotToken()
    {
        const string appId = "00000000-1111-2222-3333-444444444444";
        var keys = new BotFrameworkKeys();
        var signing = keys.Add("teams-key", "msteams");
        await using var openId = await RecordingServer.StartAsync();
        openId.Respond = r => keys.Serve(r, openId.BaseUrl);
        await using var login = await RecordingServer.StartAsync(_ => FakeResponse.Json("""{"token_type":"Bearer","expires_in":3600,"access_token":"bot-token"}"""));
        await using var host = await TeamsTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Teams:MicrosoftAppId"] = appId, ["Teams:MicrosoftAppPassword"] = "s3cret",
            ["Teams:OpenIdMetadataUrl"] = openId.BaseUrl + BotFrameworkKeys.MetadataPath, ["Teams:TokenEndpointBase"] = login.BaseUrl,
        });
        host.Linker.ByPlatformUserId["29:ada"] = FakeIdentityLinker.Asker(1);
        var message = TeamsChannelMessage("pipeline");

        var anonymous = await PostAsync(message, host);
        var forged = await PostAsync(message, host, BotFrameworkKeys.Token(BotFrameworkKeys.Unpublished("teams-key"), appId, _connector.BaseUrl + "/amer/", DateTime.UtcNow));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Empty(host.Linker.Calls);
        Assert.Empty(host.Engine.Calls);

        var valid = await PostAsync(message, host, BotFrameworkKeys.Token(signing, appId, _connector.BaseUrl + "/amer/", DateTime.UtcNow));

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        var reply = await _connector.WaitForAsync(r => (string?)r.Json?["type"] == "message");
        Assert.Equal("Bearer bot-token", reply.Header("Authorization"));
        Assert.Single(host.Engine.Calls);
    }

    [Fact]
    public async Task Start_Fails_WhenAppIdHasNoPassword()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TeamsTestHost.StartAsync(new Dictionary<string, string?> { ["Teams:MicrosoftAppId"] = "00000000-1111-2222-3333-444444444444" }));
        Assert.Contains("MicrosoftAppPassword", e.Message);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<Task<string>>? state = null)
    {
        // Generous: the wait ends as soon as the condition holds, and 10 s was once too short with all four test
        // assemblies running at once on 2 cores.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail("Not reached in 30 s." + (state is null ? "" : " State: " + await state()));
            await Task.Delay(20);
        }
    }

    /// <summary>The stored conversations and the connector's requests: what a timed-out wait saw (this fact has timed out in CI).</summary>
    private async Task<string> ConversationStateAsync()
    {
        await using var db = _host.Database.NewContext();
        var rows = await db.ConversationRefs.Select(r => $"{r.ConversationId} {r.ConversationType} {r.ServiceUrl} {r.UpdatedAt:O}").ToListAsync();
        return $"conversations [{string.Join("; ", rows)}]; connector requests [{string.Join("; ", _connector.Requests.Select(r => $"{r.Method} {r.RawTarget}"))}]";
    }
}
