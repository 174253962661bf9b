using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Teams.Cards;
using CrmBot.Teams.Cards.Templating;
using CrmBot.Testing;
using CrmBot.Testing.Replies;

namespace CrmBot.Teams.Tests.Cards;

/// <summary>
/// Writes what the JS judges check (tests/js/cards/*.test.js, run after the .NET tests by scripts/test):
/// artifacts/cards/teams/*.json (the card of every sample reply × language) and
/// artifacts/cards/expansions/*.json ({template, data, expanded}: our expansion of a template, which
/// Microsoft's templating engine must reproduce), including edge-case data (empty lists, missing fields).
/// </summary>
public sealed class CardArtifactsFacts
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The sample reply each template's cards/&lt;name&gt;.data.json is made from (English).</summary>
    private static readonly Dictionary<string, string> SampleForTemplate = new()
    {
        ["kpi-summary"] = "win-rate",
        ["ranked-table"] = "leaderboard",
        ["record-list"] = "stale-deals",
        ["breakdown"] = "pipeline",
        ["nudge"] = "nudge",
        ["help"] = "help",
        ["message"] = "refusal",
        ["settings-form"] = "settings",
    };

    private static readonly AdaptiveCardRenderer Renderer = new(new RecordLinks("https://crm.example.com/{kind}/{id}"));

    private static string[] TemplateNames() =>
        [.. Directory.GetFiles(RepoPaths.Cards, "*.json").Where(f => !f.EndsWith(".data.json", StringComparison.Ordinal))
            .Select(f => Path.GetFileNameWithoutExtension(f)).Order()];

    [Fact]
    public void EveryTemplate_HasSampleDataThatBindsEveryField()
    {
        // The designer samples are what the sample replies give now (they went stale once, with old form keys);
        // CRMBOT_UPDATE_CARD_SAMPLES=1 regenerates them.
        var update = Environment.GetEnvironmentVariable("CRMBOT_UPDATE_CARD_SAMPLES") == "1";
        foreach (var (template, sample) in SampleForTemplate)
        {
            var reply = SampleReplies.All("en").Single(s => s.Name == sample).Reply;
            var (name, data) = Renderer.TemplateDataFor(reply);
            Assert.Equal(template, name);
            var path = Path.Combine(RepoPaths.Cards, template + ".data.json");
            var current = (data.ToJsonString(Indented) + "\n").ReplaceLineEndings("\n");   // Windows writes \r\n
            if (update)
                File.WriteAllText(path, current);
            Assert.True(current == File.ReadAllText(path).ReplaceLineEndings("\n"),
                $"cards/{template}.data.json is not what the sample reply gives now: run CRMBOT_UPDATE_CARD_SAMPLES=1 dotnet test tests/CrmBot.Teams.Tests --filter CardArtifactsFacts");
        }

        Assert.Equal(SampleForTemplate.Keys.Order(), TemplateNames());
        foreach (var template in TemplateNames())
        {
            var data = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Cards, template + ".data.json")))!;
            var expanded = new TemplateExpander().Expand(JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Cards, template + ".json")))!, data)!;
            Assert.DoesNotContain("\"${", expanded.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WriteArtifacts_ForTheJsJudges()
    {
        var teams = Fresh("teams");
        var expansions = Fresh("expansions");
        var count = 0;
        foreach (var language in SampleReplies.Languages)
            foreach (var (name, reply) in SampleReplies.All(language))
            {
                var card = Renderer.Render(reply);
                Write(Path.Combine(teams, $"{name}.{language}.json"), card);
                var (template, data) = Renderer.TemplateDataFor(reply);
                WriteExpansion(expansions, $"{name}.{language}", template, data);
                count++;
            }

        foreach (var template in TemplateNames())
        {
            var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Cards, template + ".data.json")))!;
            WriteExpansion(expansions, $"{template}.sample", template, sample);
            WriteExpansion(expansions, $"{template}.empty-lists", template, WithEmptyLists(sample));
            WriteExpansion(expansions, $"{template}.missing-fields", template, WithoutEveryOtherField(sample));
        }

        Assert.Equal(count, Directory.GetFiles(teams).Length);
        Assert.Equal(count + 3 * TemplateNames().Length, Directory.GetFiles(expansions).Length);
    }

    private static void WriteExpansion(string folder, string name, string template, JsonNode data)
    {
        var expanded = new TemplateExpander().Expand(CardTemplates.Get(template), data);
        Write(Path.Combine(folder, name + ".json"), new JsonObject { ["template"] = template, ["data"] = data.DeepClone(), ["expanded"] = expanded });
    }

    /// <summary>Every list emptied: cards with no rows, no facts, no buttons.</summary>
    private static JsonNode WithEmptyLists(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, p.Value is JsonArray ? new JsonArray() : p.Value is null ? null : WithEmptyLists(p.Value)))),
        _ => node.DeepClone(),
    };

    /// <summary>Every other text/number/flag field left out, throughout the data: what a template sees from incomplete data.</summary>
    private static JsonNode WithoutEveryOtherField(JsonNode node)
    {
        var drop = false;
        JsonNode? Strip(JsonNode? n) => n switch
        {
            JsonObject o => new JsonObject(o.Where(p => p.Value is not JsonValue || !(drop = !drop)).Select(p => KeyValuePair.Create(p.Key, Strip(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Strip)]),
            _ => n?.DeepClone(),
        };
        return Strip(node)!;
    }

    private static string Fresh(string name)
    {
        var folder = Path.Combine(RepoPaths.CardArtifacts, name);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static void Write(string path, JsonNode? node) => File.WriteAllText(path, (node?.ToJsonString(Indented) ?? "null") + "\n");
}
