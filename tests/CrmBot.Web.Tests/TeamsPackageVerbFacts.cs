using System.IO.Compression;
using System.Text.Json.Nodes;
using CrmBot.Web.Cli;

namespace CrmBot.Web.Tests;

/// <summary>`crmbot teams package` as an admin runs it, with the templates copied beside the binary.</summary>
public sealed class TeamsPackageVerbFacts : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crmbot-teams-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Package_WritesAZipWithTheAppIdFilledIn()
    {
        var zipPath = Path.Combine(_dir, "app.zip");

        var exit = await CliVerbs.RunAsync(["teams", "package", "--app-id", "6F1C2E4A-9B3D-4C5E-8F7A-1B2C3D4E5F60", "--out", zipPath]);

        Assert.Equal(0, exit);
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(["color.png", "manifest.json", "outline.png", "zh-tw.json"], zip.Entries.Select(e => e.FullName).Order());
        using var manifest = zip.GetEntry("manifest.json")!.Open();
        var json = JsonNode.Parse(manifest)!;
        Assert.Equal("6f1c2e4a-9b3d-4c5e-8f7a-1b2c3d4e5f60", (string?)json["bots"]![0]!["botId"]);
        Assert.DoesNotContain("{{", json.ToJsonString());
    }

    [Theory]
    [InlineData("teams", "package")]
    [InlineData("teams", "package", "--app-id", "not-a-guid")]
    [InlineData("teams", "package", "--app-id")]
    [InlineData("teams", "publish")]
    public async Task Package_ExitsWithUsageError_AndWritesNothing_WhenArgumentsAreWrong(params string[] args)
    {
        var exit = await CliVerbs.RunAsync([.. args, "--out", Path.Combine(_dir, "app.zip")]);
        Assert.Equal(2, exit);
        Assert.False(File.Exists(Path.Combine(_dir, "app.zip")));
    }
}
