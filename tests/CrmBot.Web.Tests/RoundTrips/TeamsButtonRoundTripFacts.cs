using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using CrmBot.Teams.Cards;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Web.Tests.RoundTrips;

/// <summary>
/// Issue 8: a nudge's "Log a call" button, clicked in Teams, reaches the real engine of the real host and
/// writes the CRM activity. The invoke is shaped as Teams sends Action.Execute (protocols.md section 3),
/// in local mode (no app id) as the Emulator and Web Chat run it.
/// </summary>
public sealed class TeamsButtonRoundTripFacts
{
    private const string TeamsUserId = "29:rep-in-teams";
    // The shared test machine is slow: the card must come in the invoke response, not as a late "working on it".
    private const string GenerousInvokeBudget = "Teams:InvokeBudget=00:00:30";

    [Fact]
    public async Task LogACall_FromTheNudgeCardsForm_WritesTheActivityWithItsNotes_AndTheInvokeCardSaysSo()
    {
        await using var bot = await RunningBot.StartAsync(GenerousInvokeBudget);
        var (rep, deal) = await LinkARepWithAnOpenDealAsync(bot);
        var before = await CallsAsync(bot, deal.Id, rep.Id);

        // The nudge card as the bot renders it; the client fills in the "Log a call" form and presses Save:
        // Teams sends the Save button's data with the form's input values beside it.
        var nudge = NudgeMessage.Build(new NudgePlan(rep.Id, new DateOnly(2017, 9, 4),
            [new NudgeCandidate(rep.Id, RecordKind.Opportunity, deal.Id, deal.Name, null, NudgeReasons.Stale, 20, deal.AmountCents, deal.Currency, null)], 1), rep);
        var card = bot.Services.GetRequiredService<AdaptiveCardRenderer>().Render(nudge);
        var form = Descendants(card).Single(o => o["type"]?.GetValue<string>() == "Action.ShowCard" && o["title"]!.GetValue<string>() == "Log a call");
        var notesInput = Descendants(form["card"]!).Single(o => o["type"]?.GetValue<string>() == "Input.Text");
        var save = form["card"]!["actions"]![0]!;
        var data = save["data"]!.DeepClone().AsObject();
        data[notesInput["id"]!.GetValue<string>()] = "talked pricing";

        var invoke = new JsonObject
        {
            ["type"] = "invoke", ["name"] = "adaptiveCard/action", ["id"] = "inv-1", ["channelId"] = "emulator", ["locale"] = "en-US",
            ["from"] = new JsonObject { ["id"] = TeamsUserId, ["name"] = rep.Name },
            ["conversation"] = new JsonObject { ["id"] = "conv-1" },
            ["serviceUrl"] = "http://127.0.0.1:9", // nothing listens: the answer must come in the HTTP response
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = save["verb"]!.GetValue<string>(), ["data"] = data },
                ["trigger"] = "manual",
            },
        };
        using var response = await bot.Http.PostAsync("/api/messages", new StringContent(invoke.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, answer["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", answer["type"]!.GetValue<string>());
        var cardText = answer["value"]!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains(deal.Name, cardText);
        Assert.Contains("logged", cardText, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(before + 1, await CallsAsync(bot, deal.Id, rep.Id));
        await using var scope = bot.Services.CreateAsyncScope();
        var latest = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Activities
            .Where(a => a.OpportunityId == deal.Id).OrderByDescending(a => a.Id).FirstAsync();
        Assert.Equal("talked pricing", latest.Notes);
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode node) => node switch
    {
        JsonObject o => [o, .. o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants)],
        JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants),
        _ => [],
    };

    [Fact]
    public async Task LogACall_WritesNothing_WhenTheDealBelongsToSomeoneElse()
    {
        await using var bot = await RunningBot.StartAsync(GenerousInvokeBudget);
        var (rep, _) = await LinkARepWithAnOpenDealAsync(bot);
        int othersDeal;
        await using (var scope = bot.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            // A rep may act only on their own deals.
            othersDeal = await db.Opportunities.Where(o => o.ClosedAt == null && o.OwnerId != rep.Id).Select(o => o.Id).FirstAsync();
        }
        var before = await ActivitiesAsync(bot, othersDeal);

        var invoke = new JsonObject
        {
            ["type"] = "invoke", ["name"] = "adaptiveCard/action", ["id"] = "inv-2", ["channelId"] = "emulator",
            ["from"] = new JsonObject { ["id"] = TeamsUserId }, ["conversation"] = new JsonObject { ["id"] = "conv-1" },
            ["serviceUrl"] = "http://127.0.0.1:9",
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject
                {
                    ["type"] = "Action.Execute", ["verb"] = CardVerbs.LogActivity,
                    ["data"] = new JsonObject { ["type"] = "call", ["opportunityId"] = othersDeal.ToString() },
                },
            },
        };
        using var response = await bot.Http.PostAsync("/api/messages", new StringContent(invoke.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, await ActivitiesAsync(bot, othersDeal));
    }

    /// <summary>An active rep with an open deal, linked to <see cref="TeamsUserId"/> as `crmbot link teams` would.</summary>
    private static async Task<(User Rep, Opportunity Deal)> LinkARepWithAnOpenDealAsync(RunningBot bot)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var deal = await db.Opportunities.Include(o => o.Owner)
            .Where(o => o.ClosedAt == null && o.Owner!.IsActive && o.Owner.Role == UserRole.Rep && o.Owner.Language == "en")
            .OrderBy(o => o.Id).FirstAsync();
        db.ChatIdentities.Add(new ChatIdentity
        {
            Platform = ChatPlatform.Teams, Workspace = "emulator", PlatformUserId = TeamsUserId, UserId = deal.OwnerId, LinkedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return (deal.Owner!, deal);
    }

    private static async Task<int> CallsAsync(RunningBot bot, int dealId, int ownerId)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return await db.Activities.CountAsync(a => a.OpportunityId == dealId && a.OwnerId == ownerId
                                                   && a.Type == ActivityType.Call && a.Status == ActivityStatus.Completed);
    }

    private static async Task<int> ActivitiesAsync(RunningBot bot, int dealId)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CrmDbContext>().Activities.CountAsync(a => a.OpportunityId == dealId);
    }
}
