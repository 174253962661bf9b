using System.Net;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Web.Tests.Hostile;

/// <summary>
/// Card action data comes back from the client and can be edited: a rep who posts "log call" or "snooze"
/// with the id of another rep's deal or account is refused and nothing is written, through the playground
/// action API and through Teams Action.Execute.
/// </summary>
public sealed class ForgedCardActionFacts(HostileBot host) : IClassFixture<HostileBot>
{
    private const string Tenant = "tenant-hostile";

    private sealed record Ids(int RepId, int OwnDealId, int ForeignDealId, int ForeignAccountId, int ForeignTeamManagerId);

    private async Task<Ids> ArrangeAsync()
    {
        using var scope = host.Bot.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var rep = await db.Users.Where(u => u.Role == UserRole.Rep && u.IsActive && u.TeamId != null
            && db.Opportunities.Any(o => o.OwnerId == u.Id)).OrderBy(u => u.Id).FirstAsync();
        var ownDeal = await db.Opportunities.Where(o => o.OwnerId == rep.Id).OrderBy(o => o.Id).Select(o => o.Id).FirstAsync();
        var foreignDeal = await db.Opportunities.Where(o => o.OwnerId != rep.Id && o.Owner!.TeamId != rep.TeamId).OrderBy(o => o.Id).Select(o => o.Id).FirstAsync();
        var foreignAccount = await db.Accounts.Where(a => a.OwnerId != null && a.OwnerId != rep.Id).OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        // A manager is not the manager of everyone: one whose team does not own the foreign deal.
        var foreignDealTeam = await db.Opportunities.Where(o => o.Id == foreignDeal).Select(o => o.Owner!.TeamId).FirstAsync();
        var otherManager = await db.Teams.Where(t => t.Id != foreignDealTeam && t.ManagerId != null).Select(t => t.ManagerId!.Value).FirstAsync();
        return new Ids(rep.Id, ownDeal, foreignDeal, foreignAccount, otherManager);
    }

    public static TheoryData<string, string, string> ForgedActions => new()
    {
        // verb, id key, which foreign record
        { CardVerbs.LogActivity, "opportunityId", "deal" },
        { CardVerbs.LogActivity, "accountId", "account" },
        { CardVerbs.Snooze, "opportunityId", "deal" },
        { CardVerbs.Snooze, "accountId", "account" },
    };

    private static Dictionary<string, string> Data(string verb, string key, int id) => verb == CardVerbs.LogActivity
        ? new() { ["type"] = "call", [key] = id.ToString(), ["notes"] = "forged" }
        : new() { [key] = id.ToString(), ["days"] = "7", ["reason"] = "forged" };

    [Theory]
    [MemberData(nameof(ForgedActions))]
    public async Task PlaygroundAction_RefusesARep_WhenTheRecordIsAnotherReps(string verb, string key, string record)
    {
        var ids = await ArrangeAsync();
        var before = await host.WrittenRowsAsync();
        var id = record == "deal" ? ids.ForeignDealId : ids.ForeignAccountId;

        var answer = await PlaygroundActionAsync(ids.RepId, verb, Data(verb, key, id));

        Assert.Equal(nameof(ReplyKind.Refusal), (string?)answer["kind"]);
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Theory]
    [InlineData(CardVerbs.LogActivity)]
    [InlineData(CardVerbs.Snooze)]
    public async Task PlaygroundAction_RefusesAManager_WhenTheDealIsAnotherTeams(string verb)
    {
        var ids = await ArrangeAsync();
        var before = await host.WrittenRowsAsync();

        var answer = await PlaygroundActionAsync(ids.ForeignTeamManagerId, verb, Data(verb, "opportunityId", ids.ForeignDealId));

        Assert.Equal(nameof(ReplyKind.Refusal), (string?)answer["kind"]);
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Fact]
    public async Task PlaygroundAction_RefusesAForgedUserId_ThatIsNoUser()
    {
        var ids = await ArrangeAsync();
        var before = await host.WrittenRowsAsync();

        var response = await host.Bot.Http.PostAsync("/playground/api/action", JsonContent(new JsonObject
        {
            ["userId"] = int.MaxValue, ["verb"] = CardVerbs.LogActivity, ["data"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Data(CardVerbs.LogActivity, "opportunityId", ids.OwnDealId))),
        }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    /// <summary>The control: the same request for the rep's own deal is written, so the refusals above are not a broken action.</summary>
    [Fact]
    public async Task PlaygroundAction_LogsTheCall_WhenTheDealIsTheRepsOwn()
    {
        var ids = await ArrangeAsync();
        var before = await ActivityCountAsync(ids.OwnDealId);

        var answer = await PlaygroundActionAsync(ids.RepId, CardVerbs.LogActivity, Data(CardVerbs.LogActivity, "opportunityId", ids.OwnDealId));

        Assert.Equal(nameof(ReplyKind.Confirmation), (string?)answer["kind"]);
        Assert.Equal(before + 1, await ActivityCountAsync(ids.OwnDealId));
    }

    [Theory]
    [MemberData(nameof(ForgedActions))]
    public async Task TeamsActionExecute_RefusesARep_WhenTheRecordIsAnotherReps(string verb, string key, string record)
    {
        var ids = await ArrangeAsync();
        var teamsUser = await LinkTeamsUserAsync(ids.RepId);
        var before = await host.WrittenRowsAsync();
        var id = record == "deal" ? ids.ForeignDealId : ids.ForeignAccountId;

        var response = await host.Bot.Http.PostAsync("/api/messages", JsonContent(Invoke(teamsUser, verb, Data(verb, key, id))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        Assert.Contains("only", body["value"]!.ToJsonString()); // "You can only … your own accounts and deals"
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Fact]
    public async Task TeamsActionExecute_LogsTheCall_WhenTheDealIsTheRepsOwn()
    {
        var ids = await ArrangeAsync();
        var teamsUser = await LinkTeamsUserAsync(ids.RepId);
        var before = await ActivityCountAsync(ids.OwnDealId);

        var response = await host.Bot.Http.PostAsync("/api/messages",
            JsonContent(Invoke(teamsUser, CardVerbs.LogActivity, Data(CardVerbs.LogActivity, "opportunityId", ids.OwnDealId))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, await ActivityCountAsync(ids.OwnDealId));
    }

    private async Task<JsonObject> PlaygroundActionAsync(int userId, string verb, Dictionary<string, string> data)
    {
        var response = await host.Bot.Http.PostAsync("/playground/api/action", JsonContent(new JsonObject
        {
            ["userId"] = userId, ["verb"] = verb, ["data"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(data)),
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private async Task<string> LinkTeamsUserAsync(int userId)
    {
        var teamsUser = $"29:hostile-{userId}";
        using var scope = host.Bot.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        if (!await db.ChatIdentities.AnyAsync(i => i.PlatformUserId == teamsUser))
        {
            db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Teams, Workspace = Tenant, PlatformUserId = teamsUser, UserId = userId });
            await db.SaveChangesAsync();
        }
        return teamsUser;
    }

    private async Task<int> ActivityCountAsync(int opportunityId)
    {
        using var scope = host.Bot.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Activities.CountAsync(a => a.OpportunityId == opportunityId);
    }

    // A 1:1 chat, where an answer is shown in place of the card (no private-message detour).
    private static JsonObject Invoke(string teamsUser, string verb, Dictionary<string, string> data) => new()
    {
        ["type"] = "invoke", ["name"] = "adaptiveCard/action", ["id"] = "inv-" + Guid.NewGuid(), ["channelId"] = "msteams",
        ["serviceUrl"] = "http://127.0.0.1:9/", ["locale"] = "en-US",
        ["from"] = new JsonObject { ["id"] = teamsUser }, ["recipient"] = new JsonObject { ["id"] = "28:bot" },
        ["conversation"] = new JsonObject { ["id"] = "a:hostile-1to1", ["conversationType"] = "personal", ["tenantId"] = Tenant },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = Tenant } },
        ["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(data)) },
            ["trigger"] = "manual",
        },
    };

    private static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
