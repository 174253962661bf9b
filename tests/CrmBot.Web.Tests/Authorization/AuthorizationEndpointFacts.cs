using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Slack.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Web.Tests.Authorization;

/// <summary>
/// The thin HTTP slice of the authorization matrix (issue 10, point 2): the real host, Teams /api/messages in
/// local mode and signed Slack requests, against <see cref="FakeChatPlatforms"/>. What only the channels decide
/// is tested here: whether a conversation is a DM or a channel (Teams conversationType, Slack D… channel that is
/// the asker's DM with the bot), where a personal answer goes, and that unlinked and guest accounts get the
/// "not linked" answer for every command and button, see nothing and are not linked by e-mail.
/// The engine's part of the matrix (every command × role × place) is CrmBot.Core.Tests AuthorizationMatrixFacts.
/// </summary>
public sealed class AuthorizationEndpointFacts(AuthorizationEndpointFacts.Host host) : IClassFixture<AuthorizationEndpointFacts.Host>
{
    private const string Tenant = "tenant-authz", SlackTeam = "T0AUTHZ", ChannelThread = "19:sales@thread.tacv2;messageid=1";

    /// <summary>One host and one fake platform for the class; a small company of its own (no demo data).</summary>
    public sealed class Host : IAsyncLifetime
    {
        public const string SigningSecret = "authz-test-signing-secret";
        public RunningBot Bot { get; private set; } = null!;
        public FakeChatPlatforms Platforms { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Platforms = await FakeChatPlatforms.StartAsync();
            Bot = await RunningBot.StartAsync("Database:SeedDemoData=false", $"Slack:SigningSecret={SigningSecret}", "Slack:BotToken=xoxb-authz-test",
                $"Slack:ApiBaseUrl={Platforms.Url}api/", "Slack:MaxAttempts=1", "Teams:InvokeBudget=00:00:30");
            using var scope = Bot.Services.CreateScope();
            await ArrangeAsync(scope.ServiceProvider.GetRequiredService<CrmDbContext>());
        }

        public async Task DisposeAsync()
        {
            await Bot.DisposeAsync();
            await Platforms.DisposeAsync();
        }
    }

    // Ann and Bob are reps of North (manager Mia), Cid of South. Each one's records carry their word.
    private static readonly Dictionary<string, string> WordOf = new() { ["Ann Able"] = "Aardvark", ["Bob Baker"] = "Bumblebee", ["Cid Chen"] = "Cassowary" };
    private static readonly string[] People = ["Ann Able", "Bob Baker", "Cid Chen", "Mia Manager"];

    private static string EmailOf(string name) => name.Split(' ')[0].ToLowerInvariant() + "@authz.example";

    private static async Task ArrangeAsync(CrmDbContext db)
    {
        var north = new Team { Name = "North" };
        var south = new Team { Name = "South" };
        db.AddRange(north, south);
        await db.SaveChangesAsync();
        var mia = new User { Name = "Mia Manager", Email = EmailOf("Mia Manager"), Role = UserRole.Manager, TeamId = north.Id };
        db.Add(mia);
        await db.SaveChangesAsync();
        north.ManagerId = mia.Id;
        var longAgo = DateTime.UtcNow.AddDays(-90); // stale and neglected by any clock
        foreach (var (name, word) in WordOf)
        {
            var rep = new User { Name = name, Email = EmailOf(name), Role = UserRole.Rep, TeamId = name == "Cid Chen" ? south.Id : north.Id };
            db.Add(rep);
            await db.SaveChangesAsync();
            var account = new Account { Name = $"{word} Holdings", OwnerId = rep.Id, CreatedAt = longAgo };
            db.Add(account);
            await db.SaveChangesAsync();
            db.Add(new Opportunity { Name = $"{word} Renewal", AccountId = account.Id, OwnerId = rep.Id, Stage = OpportunityStage.Proposal,
                AmountCents = 200_000, Currency = "USD", CreatedAt = longAgo, LastModifiedAt = longAgo, Probability = 50 });
        }
        await db.SaveChangesAsync();
    }

    // --- Teams: conversationType tells a channel from a 1:1 chat ---

    [Theory]
    [InlineData("channel")]
    [InlineData("groupChat")]
    public async Task TeamsChannel_SendsAPersonalAnswerToTheAskersChat_AndTheChannelSeesNoRecord(string conversationType)
    {
        var ann = TeamsUser("Ann Able");
        var earlier = host.Platforms.Requests.Count;

        var (channelReply, _) = await TeamsMessageAsync(ann, "stale deals", inChannel: true, conversationType);

        Assert.Contains("privately", channelReply, StringComparison.OrdinalIgnoreCase);
        AssertNoWord(channelReply, WordOf.Values);
        var dm = await host.Platforms.WaitForAsync(r => r.Method == "POST" && r.Path.StartsWith("/v3/conversations/a:dm-" + ann, StringComparison.Ordinal)
            && r.Body.Contains("Aardvark", StringComparison.Ordinal), "Ann's stale deals to her 1:1 chat", earlier);
        AssertNoWord(dm.Body, ["Bumblebee", "Cassowary"]);
    }

    [Fact]
    public async Task TeamsChannel_PostsTheTeamLeaderboard_WithNoRecordOfAnyone()
    {
        var (channelReply, _) = await TeamsMessageAsync(TeamsUser("Mia Manager"), "leaderboard", inChannel: true);

        Assert.Contains("Ann Able", channelReply, StringComparison.Ordinal); // the team aggregate, in the channel
        AssertNoWord(channelReply, [.. WordOf.Values, "Cid Chen"]);
    }

    [Fact]
    public async Task TeamsPersonalChat_AnswersAPersonalReportInPlace()
    {
        var (reply, _) = await TeamsMessageAsync(TeamsUser("Bob Baker"), "stale deals", inChannel: false);

        Assert.Contains("Bumblebee Renewal", reply, StringComparison.Ordinal);
        AssertNoWord(reply, ["Aardvark", "Cassowary"]);
    }

    // --- Slack: a channel, the asker's DM with the bot, and a D… channel that is someone else's DM ---

    [Fact]
    public async Task SlackChannel_AnswersPersonalReportsEphemerally_AndPostsOnlyTeamAggregates()
    {
        var ann = SlackUser("Ann Able");
        var stale = await SlashAsync(ann, "C0SALES", "stale deals");
        var pipeline = await SlashAsync(ann, "C0SALES", "pipeline");
        var leaderboard = await SlashAsync(SlackUser("Mia Manager"), "C0SALES", "leaderboard");

        Assert.Equal("ephemeral", (string?)stale["response_type"]);
        Assert.Contains("Aardvark Renewal", Relaxed(stale), StringComparison.Ordinal);
        Assert.Equal("ephemeral", (string?)pipeline["response_type"]); // one person's figures are personal
        Assert.Equal("in_channel", (string?)leaderboard["response_type"]);
        AssertNoWord(Relaxed(leaderboard), [.. WordOf.Values, "Cid Chen"]);
    }

    [Fact]
    public async Task SlackDm_IsPrivateOnlyWhenItIsTheAskersDmWithTheBot()
    {
        var cid = SlackUser("Cid Chen");
        var ownDm = await SlashAsync(cid, FakeChatPlatforms.DmOf(cid), "stale deals");
        var someoneElsesDm = await SlashAsync(cid, "D0BETWEENTWO", "stale deals");

        Assert.Equal("in_channel", (string?)ownDm["response_type"]);
        Assert.Contains("Cassowary Renewal", Relaxed(ownDm), StringComparison.Ordinal);
        Assert.Equal("ephemeral", (string?)someoneElsesDm["response_type"]);
    }

    // --- Unlinked and guest accounts: every command and every button, in a DM and in a channel ---

    /// <summary>Every example of every command help knows (both languages): a new command is covered the day help lists it.</summary>
    public static IReadOnlyList<string> EveryCommand =>
        [.. CommandCatalog.Topics.SelectMany(t => t.AllExamples).Distinct(), "log call with Bumblebee Holdings: hi", "snooze Bumblebee Renewal 7 days"];

    /// <summary>Every card verb, with data naming Bob's records (a guest with Bob's e-mail must not act as Bob).</summary>
    private static IEnumerable<CardAction> EveryButton(int bobsDeal) =>
        typeof(CardVerbs).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Select(verb => new CardAction(verb, new Dictionary<string, string>
            {
                ["command"] = "stale deals", ["request"] = ReportRequestJson.Serialize(new ReportRequest(ReportKind.StaleDeals)),
                ["opportunityId"] = bobsDeal.ToString(), ["type"] = "call", ["notes"] = "hi", ["days"] = "7", [SettingNames.NudgeTime] = "06:00",
            }));

    public static TheoryData<string, bool> Strangers => new() { { "unlinked", false }, { "unlinked", true }, { "guest", false }, { "guest", true } };

    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task Teams_TellsAStrangerHowToGetLinked_ForEveryCommandAndButton(string who, bool inChannel)
    {
        // A guest whose e-mail is a CRM user's (Bob's): the e-mail of an outsider account proves nothing.
        var id = $"29:{who}-{(inChannel ? "ch" : "dm")}";
        host.Platforms.TeamsMembers[id] = who == "guest" ? (EmailOf("Bob Baker"), "guest") : ("stranger@elsewhere.example", "user");
        var before = await WritesAsync();

        foreach (var text in EveryCommand)
        {
            var (reply, _) = await TeamsMessageAsync(id, text, inChannel);
            AssertNotLinked(reply, text);
        }
        foreach (var button in EveryButton(await BobsDealAsync()))
            AssertNotLinked(await TeamsInvokeAsync(id, button, inChannel), button.Verb);

        Assert.Equal(before, await WritesAsync());
    }

    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task Slack_TellsAStrangerHowToGetLinked_ForEveryCommandAndButton(string who, bool inChannel)
    {
        var id = $"U0{who.ToUpperInvariant()}{(inChannel ? "CH" : "DM")}";
        host.Platforms.SlackUsers[id] = who == "guest" ? (EmailOf("Bob Baker"), true) : ("stranger@elsewhere.example", false);
        var channel = inChannel ? "C0SALES" : FakeChatPlatforms.DmOf(id);
        var before = await WritesAsync();

        foreach (var text in EveryCommand)
            AssertNotLinked(Relaxed(await SlashAsync(id, channel, text)), text);
        foreach (var button in EveryButton(await BobsDealAsync()))
            AssertNotLinked(Relaxed(await BlockActionAsync(id, channel, button)), button.Verb);

        Assert.Equal(before, await WritesAsync());
    }

    /// <summary>The control for the guest cases: the same e-mail on a full member account is linked and answered.</summary>
    [Fact]
    public async Task MembersWithACrmEmail_AreLinkedOnFirstContact_OnBothChannels()
    {
        var (teamsReply, _) = await TeamsMessageAsync(TeamsUser("Bob Baker", "29:bob-member"), "stale deals", inChannel: false);
        var slackReply = await SlashAsync(SlackUser("Bob Baker", "U0BOBMEMBER"), FakeChatPlatforms.DmOf("U0BOBMEMBER"), "stale deals");

        Assert.Contains("Bumblebee Renewal", teamsReply, StringComparison.Ordinal);
        Assert.Contains("Bumblebee Renewal", Relaxed(slackReply), StringComparison.Ordinal);
    }

    private static void AssertNotLinked(string reply, string asked)
    {
        Assert.True(reply.Contains("not linked", StringComparison.OrdinalIgnoreCase) || reply.Contains("尚未連結", StringComparison.Ordinal),
            $"“{asked}” was not answered with how to get linked: {reply}");
        AssertNoWord(reply, [.. WordOf.Values, .. People, "North", "South"]);
    }

    private static void AssertNoWord(string text, IEnumerable<string> words)
    {
        foreach (var word in words)
            Assert.False(text.Contains(word, StringComparison.Ordinal), $"“{word}” in: {text}");
    }

    // --- The wire ---

    private string TeamsUser(string name, string? id = null)
    {
        id ??= "29:" + name.Split(' ')[0].ToLowerInvariant();
        host.Platforms.TeamsMembers[id] = (EmailOf(name), "user");
        return id;
    }

    private string SlackUser(string name, string? id = null)
    {
        id ??= "U0" + name.Split(' ')[0].ToUpperInvariant();
        host.Platforms.SlackUsers[id] = (EmailOf(name), false);
        return id;
    }

    private static JsonObject Conversation(bool inChannel, string type) => (inChannel, type) switch
    {
        (true, "groupChat") => new JsonObject { ["id"] = "19:group-chat@thread.v2", ["conversationType"] = "groupChat", ["tenantId"] = Tenant, ["isGroup"] = true },
        (true, _) => new JsonObject { ["id"] = ChannelThread, ["conversationType"] = "channel", ["tenantId"] = Tenant, ["isGroup"] = true },
        _ => new JsonObject { ["id"] = "a:personal-" + Guid.NewGuid().ToString("N")[..8], ["conversationType"] = "personal", ["tenantId"] = Tenant },
    };

    private JsonObject TeamsActivity(string from, bool inChannel, string type = "channel") => new()
    {
        ["id"] = "m-" + Guid.NewGuid().ToString("N"), ["channelId"] = "msteams", ["serviceUrl"] = host.Platforms.Url, ["locale"] = "en-US",
        ["from"] = new JsonObject { ["id"] = from }, ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "CrmBot" },
        ["conversation"] = Conversation(inChannel, type),
        ["channelData"] = inChannel && type == "channel"
            ? new JsonObject { ["tenant"] = new JsonObject { ["id"] = Tenant }, ["team"] = new JsonObject { ["id"] = "19:team-sales" }, ["channel"] = new JsonObject { ["id"] = "19:sales@thread.tacv2" } }
            : new JsonObject { ["tenant"] = new JsonObject { ["id"] = Tenant } },
    };

    /// <summary>Sends a message and returns the reply to it (the card posted in the same conversation), and the conversation id.</summary>
    private async Task<(string Reply, string Conversation)> TeamsMessageAsync(string from, string text, bool inChannel, string type = "channel")
    {
        var activity = TeamsActivity(from, inChannel, type);
        activity["type"] = "message";
        activity["text"] = inChannel ? "<at>CrmBot</at> " + text : text;
        if (inChannel)
            activity["entities"] = new JsonArray(new JsonObject { ["type"] = "mention", ["text"] = "<at>CrmBot</at>", ["mentioned"] = new JsonObject { ["id"] = "28:bot", ["name"] = "CrmBot" } });
        var id = (string)activity["id"]!;
        var conversation = (string)activity["conversation"]!["id"]!;
        using var response = await host.Bot.Http.PostAsync("/api/messages", Json(activity));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} for “{text}”");
        var reply = await host.Platforms.WaitForAsync(r => r.Method == "POST" && r.Path == $"/v3/conversations/{conversation}/activities/{id}", $"the reply to “{text}”");
        return (Relaxed(reply.Body), conversation);
    }

    private async Task<string> TeamsInvokeAsync(string from, CardAction button, bool inChannel)
    {
        var activity = TeamsActivity(from, inChannel);
        activity["type"] = "invoke";
        activity["name"] = "adaptiveCard/action";
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = button.Verb, ["data"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(button.Data)) },
            ["trigger"] = "manual",
        };
        using var response = await host.Bot.Http.PostAsync("/api/messages", Json(activity));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Relaxed(await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonObject> SlashAsync(string user, string channel, string text)
    {
        var responseUrl = host.Platforms.Url + "respond/" + Guid.NewGuid().ToString("N");
        var form = $"command=%2Fcrm&text={Uri.EscapeDataString(text)}&user_id={user}&team_id={SlackTeam}&channel_id={channel}&response_url={Uri.EscapeDataString(responseUrl)}";
        return await SlackAsync("/slack/commands", form, responseUrl, text);
    }

    private async Task<JsonObject> BlockActionAsync(string user, string channel, CardAction button)
    {
        var responseUrl = host.Platforms.Url + "respond/" + Guid.NewGuid().ToString("N");
        var payload = new JsonObject
        {
            ["type"] = "block_actions", ["team"] = new JsonObject { ["id"] = SlackTeam }, ["user"] = new JsonObject { ["id"] = user, ["team_id"] = SlackTeam },
            ["channel"] = new JsonObject { ["id"] = channel }, ["response_url"] = responseUrl,
            ["container"] = new JsonObject { ["type"] = "message", ["channel_id"] = channel, ["message_ts"] = "1700000000.000100" },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button", ["action_id"] = button.Verb + ":0", ["value"] = System.Text.Json.JsonSerializer.Serialize(button.Data),
            }),
        };
        return await SlackAsync("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), responseUrl, button.Verb);
    }

    /// <summary>Posts a signed Slack request and returns what the bot then posted to its response_url.</summary>
    private async Task<JsonObject> SlackAsync(string path, string form, string responseUrl, string what)
    {
        var body = Encoding.UTF8.GetBytes(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(); // Slack signs with the wall clock, as the host checks
        request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
        request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(Host.SigningSecret, timestamp, body));
        using var response = await host.Bot.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var responsePath = new Uri(responseUrl).AbsolutePath;
        var answer = await host.Platforms.WaitForAsync(r => r.Path == responsePath, $"the answer to “{what}”");
        return JsonNode.Parse(answer.Body)!.AsObject();
    }

    private async Task<int> BobsDealAsync()
    {
        using var scope = host.Bot.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Opportunities.Where(o => o.Name == "Bumblebee Renewal").Select(o => o.Id).SingleAsync();
    }

    /// <summary>What a stranger's request must not change: records, snoozes, subscriptions, links, anyone's settings.</summary>
    private async Task<string> WritesAsync()
    {
        using var scope = host.Bot.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var settings = await db.Users.OrderBy(u => u.Id).Select(u => u.NudgeTime + "|" + u.NudgesEnabled + "|" + u.Language).ToListAsync();
        var strangers = await db.ChatIdentities.CountAsync(i => EF.Functions.Like(i.PlatformUserId, "%guest%") || EF.Functions.Like(i.PlatformUserId, "%unlinked%"));
        return string.Join(",", await db.Activities.CountAsync(), await db.Snoozes.CountAsync(), await db.ChannelSubscriptions.CountAsync(),
            strangers, string.Join(";", settings));
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static readonly System.Text.Json.JsonSerializerOptions AsWritten = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON text with non-ASCII characters as themselves (serializers escape them as \uXXXX).</summary>
    private static string Relaxed(string json) => JsonNode.Parse(json)?.ToJsonString(AsWritten) ?? "";

    private static string Relaxed(JsonNode node) => node.ToJsonString(AsWritten);
}
