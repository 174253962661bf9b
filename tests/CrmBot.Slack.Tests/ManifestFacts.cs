using CrmBot.Testing;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace CrmBot.Slack.Tests;

/// <summary>The Slack app manifests, judged by Slack's own manifest schema (../shared/schemas, vendored unedited).</summary>
public sealed class ManifestFacts
{
    public static TheoryData<string> Manifests => new() { "manifest.json", "manifest.socket-mode.json" };

    // protocols.md §10: what CrmBot calls and listens to, and nothing more.
    private static readonly string[] RequiredBotScopes =
        ["chat:write", "commands", "app_mentions:read", "im:history", "im:write", "users:read", "users:read.email", "files:write"];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Manifest_IsValidAgainstSlacksSchema(string file)
    {
        var schema = SlackSchema();
        using var manifest = JsonDocument.Parse(File.ReadAllText(ManifestPath(file)));

        var result = schema.Evaluate(manifest.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"))));
    }

    [Fact]
    public void Schema_RejectsABrokenManifest()
    {
        // The validator really checks: a slash command without its leading "/" must fail.
        var schema = SlackSchema();
        var broken = JsonNode.Parse(File.ReadAllText(ManifestPath("manifest.json")))!;
        broken["features"]!["slash_commands"]![0]!["command"] = "crm";
        using var document = JsonDocument.Parse(broken.ToJsonString());

        Assert.False(schema.Evaluate(document.RootElement).IsValid);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Manifest_DeclaresTheBotCommandEventsInteractivityAndScopes(string file)
    {
        var m = JsonNode.Parse(File.ReadAllText(ManifestPath(file)))!;

        Assert.Equal(1, m["_metadata"]!["major_version"]!.GetValue<int>());
        Assert.NotNull(m["features"]!["bot_user"]!["display_name"]);
        var command = Assert.Single(m["features"]!["slash_commands"]!.AsArray())!;
        Assert.Equal("/crm", command["command"]!.GetValue<string>());
        Assert.True(command["should_escape"]!.GetValue<bool>(), "mentions must arrive as <@U…> for the parser");
        Assert.Equal(["app_mention", "message.im"], m["settings"]!["event_subscriptions"]!["bot_events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.True(m["settings"]!["interactivity"]!["is_enabled"]!.GetValue<bool>());
        Assert.Equal(RequiredBotScopes.Order(), m["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => s!.GetValue<string>()).Order());
        // Users can only DM the bot when the Messages tab is on and writable.
        Assert.True(m["features"]!["app_home"]!["messages_tab_enabled"]!.GetValue<bool>());
        Assert.False(m["features"]!["app_home"]!["messages_tab_read_only_enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void HttpManifest_PointsEachRequestUrlAtOurEndpoints_AndSocketModeManifestHasNone()
    {
        var http = JsonNode.Parse(File.ReadAllText(ManifestPath("manifest.json")))!;
        var socket = JsonNode.Parse(File.ReadAllText(ManifestPath("manifest.socket-mode.json")))!;

        Assert.False(http["settings"]!["socket_mode_enabled"]!.GetValue<bool>());
        Assert.EndsWith("/slack/commands", http["features"]!["slash_commands"]![0]!["url"]!.GetValue<string>());
        Assert.EndsWith("/slack/events", http["settings"]!["event_subscriptions"]!["request_url"]!.GetValue<string>());
        Assert.EndsWith("/slack/interactions", http["settings"]!["interactivity"]!["request_url"]!.GetValue<string>());
        Assert.True(socket["settings"]!["socket_mode_enabled"]!.GetValue<bool>());
        Assert.DoesNotContain("request_url", socket.ToJsonString());
    }

    // The schema declares draft-07 (with "definitions"); JsonSchema.Net 8 builds in 2020-12 unless told.
    private static JsonSchema SlackSchema() => JsonSchema.FromText(
        File.ReadAllText(Path.Combine(RepoPaths.Shared, "schemas", "slack-app-manifest.json")),
        new BuildOptions { Dialect = Dialect.Draft07 });

    private static string ManifestPath(string file) => Path.Combine(RepoPaths.Root, "manifests", "slack", file);
}
