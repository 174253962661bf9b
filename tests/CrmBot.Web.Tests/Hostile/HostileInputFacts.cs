using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace CrmBot.Web.Tests.Hostile;

/// <summary>
/// Garbage, oversized, nested and half-formed requests to every endpoint of the real host:
/// each gets a 4xx or a polite answer, never a 5xx or a stack trace, and nothing is written.
/// </summary>
public sealed class HostileInputFacts(HostileBot host) : IClassFixture<HostileBot>
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";

    private static readonly byte[] InvalidUtf8 = [.. HostileBot.Utf8("{\"type\":\"message\",\"text\":\""), 0xC3, 0x28, 0xFF, 0xFE, .. HostileBot.Utf8("\"}")];

    // Valid JSON whose one string (the invoke verb, read lazily from activity.value) is not UTF-8.
    private static readonly byte[] InvalidUtf8Verb =
        [.. HostileBot.Utf8("{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",\"value\":{\"action\":{\"verb\":\""), 0xC3, 0x28, .. HostileBot.Utf8("\"}}}")];

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static string NestedObject(string key, int depth) =>
        $"{{\"type\":\"message\",\"{key}\":" + new string('[', depth) + new string(']', depth) + "}";

    public static TheoryData<string, string, string> MalformedBodies => new()
    {
        // endpoint, content type, body
        { "/api/messages", Json, "{not json" },
        { "/api/messages", Json, "" },
        { "/api/messages", Json, "null" },
        { "/api/messages", Json, "[]" },
        { "/api/messages", Json, "{\"type\":5}" },
        { "/api/messages", Json, "{\"text\":\"no type\"}" },
        { "/api/messages", Json, Nested(100_000) },
        { "/api/messages", Json, NestedObject("value", 5_000) },
        { "/api/messages", "text/plain", "{\"type\":\"message\",\"text\":\"help\"}" },
        { "/api/messages", Form, "type=message&text=help" },
        { "/api/messages", Json, "{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\"}" },
        { "/api/messages", Json, "{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",\"value\":{\"action\":{\"verb\":7}}}" },
        { "/playground/api/message", Json, "{not json" },
        { "/playground/api/message", Json, "{}" },
        { "/playground/api/message", Json, "{\"userId\":\"abc\",\"text\":\"help\"}" },
        { "/playground/api/message", Json, "{\"userId\":-1,\"text\":\"help\"}" },
        { "/playground/api/message", Json, Nested(100_000) },
        { "/playground/api/message", "text/plain", "{\"userId\":1,\"text\":\"help\"}" },
        { "/playground/api/action", Json, "{\"userId\":1}" },
        { "/playground/api/action", Json, "{\"userId\":1,\"verb\":\"snooze\",\"data\":{\"opportunityId\":[1,2]}}" },
        { "/playground/api/action", Json, "{\"userId\":1,\"verb\":\"noSuchVerb\",\"data\":{}}" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Post_RefusesPolitely_WhenTheBodyIsMalformed(string path, string contentType, string body)
    {
        var before = await host.WrittenRowsAsync();

        var response = await host.PostAsync(path, HostileBot.Utf8(body), contentType);

        await HostileBot.AssertNoLeakAsync(response);
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Theory]
    [InlineData("/api/messages")]
    [InlineData("/playground/api/message")]
    [InlineData("/slack/events")]
    public async Task Post_RefusesInvalidUtf8_WithA4xx(string path)
    {
        var before = await host.WrittenRowsAsync();

        var response = await host.PostAsync(path, InvalidUtf8, Json, signSlack: path.StartsWith("/slack"));

        await HostileBot.AssertNoLeakAsync(response);
        Assert.True((int)response.StatusCode is >= 400 and < 500, response.StatusCode.ToString());
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Fact]
    public async Task ApiMessages_RefusesInvalidUtf8_InsideTheInvokeValue()
    {
        var response = await host.PostAsync("/api/messages", InvalidUtf8Verb, Json);

        await HostileBot.AssertNoLeakAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/messages")]
    [InlineData("/slack/commands")]
    [InlineData("/slack/events")]
    [InlineData("/slack/interactions")]
    [InlineData("/playground/api/message")]
    [InlineData("/playground/api/action")]
    public async Task Post_Answers413_WhenTheDeclaredBodyIsOverTheLimit(string path)
    {
        var body = HostileBot.Utf8("{\"type\":\"message\",\"text\":\"" + new string('x', HostileBot.BodyLimit + 1) + "\"}");

        var response = await host.PostAsync(path, body, Json, signSlack: path.StartsWith("/slack"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/messages")]
    [InlineData("/slack/events")]
    [InlineData("/playground/api/message")]
    public async Task Post_Answers413_WhenAChunkedBodyGrowsOverTheLimit(string path)
    {
        var body = HostileBot.Utf8("{\"type\":\"message\",\"text\":\"" + new string('x', HostileBot.BodyLimit * 2) + "\"}");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(new MemoryStream(body)) };
        request.Content.Headers.ContentType = new(Json);
        request.Headers.TransferEncodingChunked = true;

        var response = await host.Bot.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_AcceptsABodyJustUnderTheLimit_SoTheLimitIsTheConfiguredOne()
    {
        var text = new string('x', HostileBot.BodyLimit - 200);

        var response = await host.PostAsync("/playground/api/message", HostileBot.Utf8($"{{\"userId\":-1,\"text\":\"{text}\"}}"), Json);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // read and answered: no such demo user
    }

    [Theory]
    [InlineData("{\"type\":\"someFutureType\",\"id\":\"x\"}")]
    [InlineData("{\"type\":\"message\"}")]
    [InlineData("{\"type\":\"message\",\"text\":\"help\",\"from\":{\"id\":\"29:nobody\"}}")]
    public async Task ApiMessages_AcknowledgesWithoutWriting_WhenTheActivityIsUnknownOrIncomplete(string activity)
    {
        var before = await host.WrittenRowsAsync();

        var response = await host.PostAsync("/api/messages", HostileBot.Utf8(activity), Json);

        await HostileBot.AssertNoLeakAsync(response);
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Fact]
    public async Task ApiMessages_Answers501_WhenTheInvokeIsNotOneWeHandle()
    {
        var before = await host.WrittenRowsAsync();

        var response = await host.PostAsync("/api/messages", HostileBot.Utf8("{\"type\":\"invoke\",\"name\":\"composeExtension/query\"}"), Json);

        // Bot Framework's own answer to an unknown invoke (protocols.md): not a crash, a "not implemented".
        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Fact]
    public async Task ApiMessages_RefusesAHugeString_WithoutA5xx()
    {
        var before = await host.WrittenRowsAsync();
        var invoke = new JsonObject
        {
            ["type"] = "invoke", ["name"] = "adaptiveCard/action",
            ["value"] = new JsonObject { ["action"] = new JsonObject { ["verb"] = new string('v', 60_000) } },
        };

        var response = await host.PostAsync("/api/messages", HostileBot.Utf8(invoke.ToJsonString()), Json);

        await HostileBot.AssertNoLeakAsync(response);
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Theory]
    [InlineData("/slack/commands", Form, "text=help&user_id=U1&team_id=T1")]
    [InlineData("/slack/events", Json, "{\"type\":\"url_verification\",\"challenge\":\"c\"}")]
    [InlineData("/slack/interactions", Form, "payload=%7B%22type%22%3A%22block_actions%22%7D")]
    public async Task Slack_Answers401_WhenTheRequestIsUnsigned(string path, string contentType, string body)
    {
        var response = await host.PostAsync(path, HostileBot.Utf8(body), contentType);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public static TheoryData<string, string, string> SignedGarbage => new()
    {
        { "/slack/events", Json, "{not json" },
        { "/slack/events", Json, "" },
        { "/slack/events", Json, "[1,2]" },
        { "/slack/events", Json, Nested(100_000) },
        { "/slack/events", Json, "{\"type\":\"event_callback\"}" },
        { "/slack/events", Json, "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\"}}" },
        { "/slack/events", Json, "{\"type\":\"event_callback\",\"event\":[]}" },
        { "/slack/events", Json, "{\"type\":{\"nested\":true},\"challenge\":[1]}" },
        { "/slack/events", Json, "{\"type\":\"url_verification\",\"challenge\":{\"x\":1}}" },
        { "/slack/events", Json, "{\"type\":\"app_rate_limited\"}" },
        { "/slack/events", Form, "type=event_callback" },
        { "/slack/commands", Form, "" },
        { "/slack/commands", Form, "%%%&&&==" },
        { "/slack/commands", Json, "{\"text\":\"help\"}" },
        { "/slack/commands", Form, "text=" + new string('x', 50_000) },
        { "/slack/interactions", Form, "" },
        { "/slack/interactions", Form, "payload=not-json" },
        { "/slack/interactions", Form, "payload=" + Uri.EscapeDataString(Nested(10_000)) },
        { "/slack/interactions", Form, "payload=" + Uri.EscapeDataString("{\"type\":\"block_actions\"}") },
        { "/slack/interactions", Form, "payload=" + Uri.EscapeDataString("{\"type\":\"block_actions\",\"user\":5,\"actions\":[1,{\"action_id\":[]},{\"action_id\":\"crm:snooze\",\"value\":\"%%%\"}]}") },
        { "/slack/interactions", Form, "payload=" + Uri.EscapeDataString("{\"type\":\"view_submission\",\"view\":{\"private_metadata\":\"{{{\"}}") },
        { "/slack/interactions", Form, "payload=" + Uri.EscapeDataString("{\"type\":\"view_submission\",\"view\":\"x\"}") },
        { "/slack/interactions", Json, "{\"type\":\"block_actions\"}" },
    };

    [Theory]
    [MemberData(nameof(SignedGarbage))]
    public async Task Slack_RefusesPolitely_WhenASignedPayloadIsGarbage(string path, string contentType, string body)
    {
        var before = await host.WrittenRowsAsync();

        var response = await host.PostAsync(path, Encoding.UTF8.GetBytes(body), contentType, signSlack: true);

        await HostileBot.AssertNoLeakAsync(response);
        Assert.Equal(before, await host.WrittenRowsAsync());
    }

    [Fact]
    public async Task Slack_RefusesASignatureOverDifferentBytes()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent("{\"type\":\"url_verification\",\"challenge\":\"forged\"}") };
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        request.Headers.Add(Slack.Http.SlackSignature.TimestampHeader, timestamp);
        request.Headers.Add(Slack.Http.SlackSignature.SignatureHeader,
            Slack.Http.SlackSignature.Compute(HostileBot.SigningSecret, timestamp, HostileBot.Utf8("{\"type\":\"url_verification\",\"challenge\":\"other\"}")));

        var response = await host.Bot.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("forged", await response.Content.ReadAsStringAsync());
    }
}
