using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CrmBot.Web.Tests.Authorization;

/// <summary>
/// The Bot Connector (Teams, local mode: no tokens) and the Slack Web API plus response_url on 127.0.0.1, with
/// a directory of chat users: what the members API and users.info say about each (e-mail, guest or not).
/// Every request is recorded so a test can read exactly what the bot posted where.
/// </summary>
public sealed class FakeChatPlatforms : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    /// <summary>Base URL with a trailing slash: the Teams serviceUrl, and + "api/" the Slack API base.</summary>
    public string Url => _server.Url;

    public ConcurrentQueue<Seen> Requests { get; } = new();

    /// <summary>Teams members API: 29: id → (e-mail, userRole).</summary>
    public ConcurrentDictionary<string, (string? Email, string Role)> TeamsMembers { get; } = new();

    /// <summary>Slack users.info: U… id → (e-mail, is_restricted).</summary>
    public ConcurrentDictionary<string, (string? Email, bool Guest)> SlackUsers { get; } = new();

    public sealed record Seen(string Method, string Path, string Body)
    {
        public JsonNode? Json => Body.StartsWith('{') ? JsonNode.Parse(Body) : null;
    }

    public static async Task<FakeChatPlatforms> StartAsync()
    {
        var fake = new FakeChatPlatforms();
        fake._server = await LoopbackServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    /// <summary>
    /// Waits until a request matches (the bot answers Teams messages and Slack requests in the background),
    /// among those after the first <paramref name="after"/> requests.
    /// </summary>
    public async Task<Seen> WaitForAsync(Func<Seen, bool> match, string what, int after = 0)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!deadline.IsCancellationRequested)
        {
            if (Requests.Skip(after).FirstOrDefault(match) is { } seen)
                return seen;
            await Task.Delay(20, CancellationToken.None);
        }
        throw new TimeoutException($"The bot never sent {what}. Seen: {string.Join(" | ", Requests.Select(r => r.Method + " " + r.Path))}");
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        var path = Uri.UnescapeDataString(http.Request.Path.Value ?? "");
        Requests.Enqueue(new Seen(http.Request.Method, path, body));
        http.Response.ContentType = "application/json";

        if (path.StartsWith("/v3/conversations/", StringComparison.Ordinal) && path.Contains("/members/", StringComparison.Ordinal) && http.Request.Method == "GET")
        {
            var id = path[(path.LastIndexOf("/members/", StringComparison.Ordinal) + "/members/".Length)..];
            if (!TeamsMembers.TryGetValue(id, out var member))
            {
                http.Response.StatusCode = 404;
                await http.Response.WriteAsync("""{"error":{"code":"MemberNotFoundInConversation"}}""");
                return;
            }
            await http.Response.WriteAsJsonAsync(new { id, name = "Someone", objectId = Guid.NewGuid(), email = member.Email, userRole = member.Role, tenantId = "tenant-authz" });
        }
        else if (path == "/v3/conversations" && http.Request.Method == "POST")
        {
            // A new 1:1 chat: named after its member so the test can tell whose DM a message went to.
            var member = JsonNode.Parse(body)?["members"]?[0]?["id"]?.GetValue<string>() ?? "unknown";
            await http.Response.WriteAsJsonAsync(new { id = "a:dm-" + member, activityId = "1" });
        }
        else if (path.StartsWith("/v3/", StringComparison.Ordinal))
            await http.Response.WriteAsJsonAsync(new { id = "act-" + Requests.Count });
        else if (path == "/api/users.info")
        {
            var user = System.Web.HttpUtility.ParseQueryString(body)["user"] ?? "";
            if (SlackUsers.TryGetValue(user, out var known))
                await http.Response.WriteAsJsonAsync(new
                {
                    ok = true,
                    user = new { id = user, is_restricted = known.Guest, is_ultra_restricted = false, profile = new { email = known.Email } },
                });
            else
                await http.Response.WriteAsJsonAsync(new { ok = false, error = "user_not_found" });
        }
        else if (path == "/api/conversations.open")
        {
            var user = JsonNode.Parse(body)?["users"]?.GetValue<string>() ?? "";
            await http.Response.WriteAsJsonAsync(new { ok = true, channel = new { id = DmOf(user) } });
        }
        else if (path == "/api/files.getUploadURLExternal")
            await http.Response.WriteAsJsonAsync(new { ok = true, upload_url = Url + "upload", file_id = "F1" });
        else
            // chat.postMessage, chat.postEphemeral, files.completeUploadExternal, response_url, the upload itself.
            await http.Response.WriteAsJsonAsync(new { ok = true, ts = "1700000000.000100", message_ts = "1700000000.000100", channel = "C1" });
    }

    /// <summary>The bot's DM channel with a Slack user, as conversations.open answers it.</summary>
    public static string DmOf(string slackUser) => "D" + slackUser;

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
