using System.Text.Json.Nodes;
using CrmBot.Teams.Cards;
using CrmBot.Testing.Replies;

namespace CrmBot.Teams.Tests.Cards;

public sealed class SubmitFallbackFacts
{
    private static List<JsonObject> Actions(JsonNode node) => node switch
    {
        JsonObject o when ((string?)o["type"])?.StartsWith("Action.", StringComparison.Ordinal) == true => [o, .. o.SelectMany(p => p.Value is null ? [] : Actions(p.Value))],
        JsonObject o => [.. o.SelectMany(p => p.Value is null ? [] : Actions(p.Value))],
        JsonArray a => [.. a.SelectMany(i => i is null ? [] : Actions(i))],
        _ => [],
    };

    [Fact]
    public void Apply_ReplacesEveryExecuteByItsSubmitFallback_KeepingLinksAndTheOriginal()
    {
        var card = new AdaptiveCardRenderer().Render(SampleReplies.StaleDeals("en", rows: 2, total: 5));
        var executes = Actions(card).Where(a => (string?)a["type"] == "Action.Execute").ToList();
        Assert.NotEmpty(executes); // the sample has row buttons and "show more"

        var forWebChat = SubmitFallback.Apply(card);

        var actions = Actions(forWebChat);
        Assert.DoesNotContain(actions, a => (string?)a["type"] == "Action.Execute");
        var submits = actions.Where(a => (string?)a["type"] == "Action.Submit").ToList();
        Assert.Equal(executes.Select(e => (string?)e["title"]), submits.Select(s => (string?)s["title"]));
        // Action.Submit has no verb: the handler reads it from the data.
        Assert.Equal(executes.Select(e => (string?)e["verb"]), submits.Select(s => (string?)s["data"]!["verb"]));
        Assert.Contains(Actions(card), a => (string?)a["type"] == "Action.Execute"); // the input is not changed
    }

    [Theory]
    [InlineData("emulator", true)]
    [InlineData("webchat", true)]
    [InlineData("msteams", false)]
    public void IsNeededFor_IsTrueOnlyForWebChatChannels(string channelId, bool needed) =>
        Assert.Equal(needed, SubmitFallback.IsNeededFor(channelId));
}
