using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Teams.Tests.Fakes;
using Json.Schema;

namespace CrmBot.Teams.Tests;

/// <summary>The Teams app package built from manifests/teams/, judged by Microsoft's manifest schema v1.29 (../shared/schemas).</summary>
public sealed class ManifestFacts
{
    private const string AppId = "6f1c2e4a-9b3d-4c5e-8f7a-1b2c3d4e5f60";
    private static readonly string Templates = Path.Combine(RepositoryFiles.Root, "manifests", "teams");

    private static Dictionary<string, byte[]> BuildPackage(string appId = AppId)
    {
        using var zip = new MemoryStream();
        TeamsAppPackage.Build(Templates, appId, "https://crm.example.org/bot", zip);
        zip.Position = 0;
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            return copy.ToArray();
        });
    }

    private static JsonNode Json(byte[] bytes) => JsonNode.Parse(bytes)!;

    private static EvaluationResults Validate(string manifestJson)
    {
        // The vendored file declares draft-04, which JsonSchema.Net does not implement. It uses no keyword whose
        // meaning changed after draft-04 (no boolean exclusiveMinimum/Maximum, no "id"), so draft-07 reads it the same.
        var schemaText = File.ReadAllText(RepositoryFiles.Shared("schemas/teams-manifest-1.29.json"))
            .Replace("\"http://json-schema.org/draft-04/schema#\"", "\"http://json-schema.org/draft-07/schema#\"");
        Assert.DoesNotContain("exclusiveMinimum\": true", schemaText);
        var schema = JsonSchema.FromText(schemaText);
        using var doc = JsonDocument.Parse(manifestJson);
        return schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults r) =>
        string.Join("\n", (r.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    [Fact]
    public void Manifest_IsValidAgainstTheTeamsSchema_WhenTheAppIdIsFilledIn()
    {
        var manifest = BuildPackage()["manifest.json"];
        var result = Validate(System.Text.Encoding.UTF8.GetString(manifest));
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal(AppId, (string?)Json(manifest)["bots"]![0]!["botId"]);
        Assert.Equal(AppId, (string?)Json(manifest)["id"]);
    }

    [Fact]
    public void ManifestTemplate_FailsTheSchema_WhileThePlaceholderIsThere()
    {
        var result = Validate(File.ReadAllText(Path.Combine(Templates, "manifest.json")));
        Assert.False(result.IsValid);
        Assert.Contains("{{MICROSOFT_APP_ID}}", File.ReadAllText(Path.Combine(Templates, "manifest.json")));
    }

    [Fact]
    public void Bot_IsOfferedInPersonalTeamAndGroupChat_WithACommandListForEach()
    {
        var bot = Json(BuildPackage()["manifest.json"])["bots"]![0]!;
        Assert.Equal(["personal", "team", "groupChat"], bot["scopes"]!.AsArray().Select(s => (string?)s));
        var listed = bot["commandLists"]!.AsArray().SelectMany(l => l!["scopes"]!.AsArray().Select(s => (string?)s)).Order();
        Assert.Equal(["groupChat", "personal", "team"], listed);
    }

    /// <summary>Every menu command of the package: its key in zh-tw.json, its English entry and its zh-TW title and description.</summary>
    private static IEnumerable<(string Key, int ListSize, JsonNode English, string? ZhTitle, string? ZhDescription)> MenuCommands()
    {
        var package = BuildPackage();
        var zh = Json(package["zh-tw.json"]).AsObject();
        var lists = Json(package["manifest.json"])["bots"]![0]!["commandLists"]!.AsArray();
        for (var l = 0; l < lists.Count; l++)
        {
            var commands = lists[l]!["commands"]!.AsArray();
            for (var c = 0; c < commands.Count; c++)
            {
                var key = $"bots[0].commandLists[{l}].commands[{c}]";
                yield return (key, commands.Count, commands[c]!, (string?)zh[key + ".title"], (string?)zh[key + ".description"]);
            }
        }
    }

    [Fact]
    public void Commands_KeepToThePortableLimits_InBothLanguages()
    {
        var commands = MenuCommands().ToList();
        Assert.NotEmpty(commands);
        foreach (var (key, listSize, english, zhTitle, zhDescription) in commands)
        {
            Assert.InRange(listSize, 1, 12); // the per-list maximum since manifest v1.24
            foreach (var (title, description) in new[] { ((string?)english["title"], (string?)english["description"]), (zhTitle, zhDescription) })
            {
                Assert.False(string.IsNullOrWhiteSpace(title), key);
                Assert.False(string.IsNullOrWhiteSpace(description), key);
                Assert.True(title!.Length <= 32, $"{key} title '{title}' is over 32 characters");
                Assert.True(description!.Length <= 128, $"{key} description is over 128 characters");
            }
        }
    }

    // A command a zh-TW user picks from the menu is sent as its title: it must be Chinese and ask what the English one asks.
    [Fact]
    public void ZhTwCommandTitles_AreChinese_AndParseAsTheEnglishOnes()
    {
        var commands = MenuCommands().ToList();
        Assert.NotEmpty(commands);
        foreach (var (_, _, english, chinese, _) in commands)
        {
            var title = (string)english["title"]!;
            Assert.True(chinese!.Any(ch => ch is >= '\u4e00' and <= '\u9fff'), $"'{chinese}' (for '{title}') is not Chinese");
            var (en, tw) = (CrmBot.Core.Commands.CommandParser.Parse(title), CrmBot.Core.Commands.CommandParser.Parse(chinese));
            Assert.Equal(en.GetType(), tw.GetType());
            if (en is CrmBot.Core.Commands.ReportCommand { Request: var asked })
                Assert.Equal(asked.Kind, ((CrmBot.Core.Commands.ReportCommand)tw).Request.Kind);
        }
    }

    [Fact]
    public void ZhTwLocalization_IsDeclared_AndOnlyTranslatesWhatTheManifestHas()
    {
        var package = BuildPackage();
        var manifest = Json(package["manifest.json"]);
        var language = manifest["localizationInfo"]!["additionalLanguages"]![0]!;
        Assert.Equal("zh-tw", (string?)language["languageTag"]);
        Assert.True(package.ContainsKey((string)language["file"]!));

        var zh = Json(package["zh-tw.json"]).AsObject();
        foreach (var required in new[] { "name.short", "name.full", "description.short", "description.full" })
            Assert.False(string.IsNullOrWhiteSpace((string?)zh[required]), required);
        foreach (var (key, _) in zh.Where(p => p.Key.StartsWith("bots[", StringComparison.Ordinal)))
        {
            var m = System.Text.RegularExpressions.Regex.Match(key, @"^bots\[0\]\.commandLists\[(\d+)\]\.commands\[(\d+)\]\.(title|description)$");
            Assert.True(m.Success, key);
            Assert.NotNull(manifest["bots"]![0]!["commandLists"]![int.Parse(m.Groups[1].Value)]!["commands"]![int.Parse(m.Groups[2].Value)]);
        }
        Assert.Contains(zh, p => (string?)p.Value == "我的停滯商機");
    }

    [Fact]
    public void Icons_AreA192ColorPng_AndA32TransparentWhiteOutline()
    {
        var package = BuildPackage();
        var color = Png.Read(package["color.png"]);
        var outline = Png.Read(package["outline.png"]);

        Assert.Equal((192, 192), (color.Width, color.Height));
        Assert.All(color.Pixels, p => Assert.Equal(255, p.A));
        Assert.Equal((32, 32), (outline.Width, outline.Height));
        Assert.Contains(outline.Pixels, p => p.A == 0);
        Assert.Contains(outline.Pixels, p => p.A == 255);
        Assert.All(outline.Pixels.Where(p => p.A > 0), p => Assert.Equal((255, 255, 255), (p.R, p.G, p.B)));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    public void Package_IsRefused_WhenTheAppIdIsNotAGuid(string appId)
    {
        var e = Assert.Throws<ArgumentException>(() => BuildPackage(appId));
        Assert.Contains("GUID", e.Message);
    }

    /// <summary>Just enough of PNG to check our icons: 8-bit RGBA, unfiltered rows (as make-icons.py writes them).</summary>
    private sealed record Png(int Width, int Height, IReadOnlyList<(byte R, byte G, byte B, byte A)> Pixels)
    {
        public static Png Read(byte[] file)
        {
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }, file[..8]);
            int width = 0, height = 0;
            using var idat = new MemoryStream();
            for (var at = 8; at < file.Length;)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
                var kind = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
                var data = file.AsSpan(at + 8, length);
                if (kind == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.Equal(8, data[8]); // bit depth
                    Assert.Equal(6, data[9]); // colour type RGBA: the outline needs its alpha channel
                }
                if (kind == "IDAT") idat.Write(data);
                at += 12 + length;
            }
            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
            var raw = inflated.ToArray();
            var pixels = new List<(byte, byte, byte, byte)>();
            for (var y = 0; y < height; y++)
            {
                var row = y * (1 + width * 4);
                Assert.Equal(0, raw[row]);
                for (var x = 0; x < width; x++)
                {
                    var p = row + 1 + x * 4;
                    pixels.Add((raw[p], raw[p + 1], raw[p + 2], raw[p + 3]));
                }
            }
            return new Png(width, height, pixels);
        }
    }
}
