using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Teams.Cards;
using CrmBot.Testing.Replies;

namespace CrmBot.Teams.Tests.Cards;

public sealed class AdaptiveCardRendererFacts
{
    private static readonly RecordLinks Links = new("https://crm.example.com/{kind}/{id}");

    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in SampleReplies.Languages)
            foreach (var (name, _) in SampleReplies.All(language)) data.Add(name, language);
        return data;
    }

    private static Reply Sample(string name, string language) => SampleReplies.All(language).Single(s => s.Name == name).Reply;

    /// <summary>
    /// "Log a call" and "Snooze until…" open a form in the card: inputs with ids unique in the card, and a Save
    /// button whose data names the form, so the handler gets the typed values under the engine's own ids.
    /// </summary>
    [Fact]
    public void Render_GivesFormButtonsAShowCardWithUniquelyNamedInputsAndASaveButton()
    {
        var card = new AdaptiveCardRenderer(Links).Render(SampleReplies.StaleDeals("en", rows: 3, total: 3));

        var forms = Descendants(card).Where(o => o["type"]?.GetValue<string>() == "Action.ShowCard").ToList();
        var inputIds = forms.SelectMany(f => Descendants(f["card"]!.AsObject()))
            .Where(o => o["type"]?.GetValue<string>() is { } t && t.StartsWith("Input.", StringComparison.Ordinal))
            .Select(o => o["id"]!.GetValue<string>()).ToList();
        Assert.Contains(forms, f => f["title"]!.GetValue<string>() == "Log a call");
        Assert.Equal(inputIds.Count, inputIds.Distinct().Count());
        foreach (var form in forms)
        {
            var save = Assert.Single(form["card"]!["actions"]!.AsArray())!;
            var formKey = save["data"]![CardForms.FormField]!.GetValue<string>();
            Assert.All(Descendants(form["card"]!.AsObject()).Where(o => o["id"] is not null),
                input => Assert.StartsWith(formKey + "/", input["id"]!.GetValue<string>()));
        }
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode? node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.SelectMany(p => Descendants(p.Value))),
        JsonArray a => a.SelectMany(Descendants),
        _ => [],
    };

    private static string Text(JsonNode card) => string.Join("\n", Descendants(card).Select(o => o["text"]?.GetValue<string>()).OfType<string>());

    [Theory]
    [MemberData(nameof(Samples))]
    public void Render_MakesAVersion15CardUnderTheSizeBudget_ForEverySample(string name, string language)
    {
        var rendered = new AdaptiveCardRenderer(Links).RenderWithJson(Sample(name, language));
        var card = rendered.Card;

        Assert.Equal("AdaptiveCard", card["type"]!.GetValue<string>());
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.True(rendered.Utf16Bytes < 80 * 1024);
        // Measured on the bytes sent: the same as the card's text counted in UTF-16.
        Assert.Equal(card.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Length * 2, rendered.Utf16Bytes);
        // No binding may survive: a literal ${...} means a field the mapping forgot.
        Assert.DoesNotContain(Descendants(card).SelectMany(o => o.Select(p => p.Value)).OfType<JsonValue>(),
            v => v.TryGetValue<string>(out var s) && s.StartsWith("${", StringComparison.Ordinal) && s != "${title}");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Render_ShowsScopeAndPeriod_ForEveryReport(string name, string language)
    {
        var reply = Sample(name, language);
        if (reply.Report is null) return;
        Assert.Contains(reply.Report.Context, Text(new AdaptiveCardRenderer().Render(reply)));
    }

    [Fact]
    public void Render_CutsAThousandRowTable_ToWhatCanFit_AndTellsTheTotal()
    {
        var sample = SampleReplies.Leaderboard("en");
        var table = sample.Report!.Tables[0];
        var rows = Enumerable.Range(0, 1000).Select(i => table.Rows[i % table.Rows.Count]).ToList();
        var reply = sample with { Report = sample.Report with { Tables = [table with { Rows = rows, TotalRows = rows.Count }] } };

        var rendered = new AdaptiveCardRenderer(Links).RenderWithJson(reply);
        var card = rendered.Card;

        Assert.True(rendered.Utf16Bytes < 80 * 1024);
        var shown = Descendants(card).Count(o => o["type"]?.GetValue<string>() == "TableRow") - 1; // less the header row
        Assert.InRange(shown, 50, 80 * 1024 / 400);
        Assert.Contains("1,000", Text(card));
    }

    [Fact]
    public void Render_ShowsFewerRowsAndAPageButton_WhenTheListWouldExceedTheSize()
    {
        var reply = SampleReplies.StaleDeals("zh-TW", rows: 300, total: 1000, longNames: true);

        var rendered = new AdaptiveCardRenderer(Links).RenderWithJson(reply);
        var card = rendered.Card;

        Assert.True(rendered.Utf16Bytes < 80 * 1024);
        var shown = Descendants(card).Count(o => o["type"]?.GetValue<string>() == "Action.Execute" && o["verb"]?.GetValue<string>() == CardVerbs.Snooze);
        Assert.InRange(shown, 1, 299);
        var page = Descendants(card).Single(o => o["type"]?.GetValue<string>() == "Action.Execute" && o["verb"]?.GetValue<string>() == CardVerbs.Page);
        var request = ReportRequestJson.TryDeserialize(page["data"]!["request"]!.GetValue<string>());
        Assert.Equal(shown, request!.Offset);
        Assert.Equal(ReportKind.StaleDeals, request.Kind);
        // The Action.Submit fallback carries the same data plus the verb.
        Assert.Equal("Action.Submit", page["fallback"]!["type"]!.GetValue<string>());
        Assert.Equal(CardVerbs.Page, page["fallback"]!["data"]!["verb"]!.GetValue<string>());
        Assert.Equal(page["data"]!["request"]!.GetValue<string>(), page["fallback"]!["data"]!["request"]!.GetValue<string>());
        Assert.Contains($"共 1,000 筆", Text(card));
    }

    [Fact]
    public void Render_LinksEachRecord_WhenAUrlTemplateIsConfigured()
    {
        var reply = SampleReplies.StaleDeals("en", rows: 2, total: 2);

        var linked = Text(new AdaptiveCardRenderer(Links).Render(reply));
        var plain = Text(new AdaptiveCardRenderer().Render(reply));

        Assert.Contains("[Acme Corp renewal 1](https://crm.example.com/opportunity/5000)", linked);
        Assert.DoesNotContain("https://", plain);
    }

    [Fact]
    public void Render_EscapesMarkdownInNames_SoNamesShowAsTyped()
    {
        var text = Text(new AdaptiveCardRenderer().Render(SampleReplies.NastyNames("en")));

        Assert.Contains(@"\*Deal\* \_v2\_ \~old\~ \[x\](http://evil)", text);
        Assert.Contains("<script>alert(1)</script>", text);
        // Nowhere (titles, facts, notes, intro) may the name reach Teams' markdown unescaped.
        var card = new AdaptiveCardRenderer().Render(SampleReplies.NastyNames("en"));
        var markdownTexts = Descendants(card).Where(o => o["type"] is null || o["type"]!.GetValue<string>() is "TextBlock")
            .SelectMany(o => new[] { o["text"], o["title"], o["value"] }).OfType<JsonValue>().Select(v => v.GetValue<string>());
        Assert.DoesNotContain(markdownTexts, t => System.Text.RegularExpressions.Regex.IsMatch(t, @"(?<!\\)\*Deal"));
    }

    [Fact]
    public void Render_DrawsAStackedGroupedBarChartWithAFallback_ForABreakdown()
    {
        var card = new AdaptiveCardRenderer().Render(SampleReplies.Pipeline("zh-TW"));

        var chart = Descendants(card).Single(o => o["type"]?.GetValue<string>()?.StartsWith("Chart.", StringComparison.Ordinal) == true);
        Assert.Equal("Chart.VerticalBar.Grouped", chart["type"]!.GetValue<string>());
        Assert.True(chart["stacked"]!.GetValue<bool>());
        Assert.Equal(3, chart["data"]!.AsArray().Count);
        Assert.Equal("開發", chart["data"]![0]!["values"]![0]!["x"]!.GetValue<string>());
        Assert.Contains("王小明", Text(chart["fallback"]!) + string.Join("", Descendants(chart["fallback"]).Select(o => o["value"]?.GetValue<string>())));
    }

    [Fact]
    public void Render_PutsExecuteButtonsInActionSetsOrFormsWithSubmitFallbacks()
    {
        var card = new AdaptiveCardRenderer(Links).Render(SampleReplies.StaleDeals("en", rows: 1, total: 1));

        var executes = Descendants(card).Where(o => o["type"]?.GetValue<string>() == "Action.Execute").ToList();
        Assert.NotEmpty(executes);
        Assert.All(executes, e =>
        {
            Assert.Equal(e["verb"]!.GetValue<string>(), e["fallback"]!["data"]!["verb"]!.GetValue<string>());
            foreach (var (key, value) in e["data"]!.AsObject())
                Assert.Equal(value!.GetValue<string>(), e["fallback"]!["data"]![key]!.GetValue<string>());
        });
        // Either a button of an ActionSet, or the Save button of a form (an Action.ShowCard's card).
        var holders = Descendants(card).Where(o => o["type"]?.GetValue<string>() == "ActionSet")
            .Concat(Descendants(card).Where(o => o["type"]?.GetValue<string>() == "Action.ShowCard").Select(o => o["card"]!.AsObject()));
        Assert.Equal(executes.Count, holders.Sum(s => s["actions"]!.AsArray().Count(a => a!["type"]!.GetValue<string>() == "Action.Execute")));
        Assert.Contains(Descendants(card), o => o["type"]?.GetValue<string>() == "Action.OpenUrl"
            && o["url"]!.GetValue<string>() == "https://crm.example.com/opportunity/5000");
    }
}
