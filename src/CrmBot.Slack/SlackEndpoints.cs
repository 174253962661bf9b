using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using CrmBot.Slack.Http;
using CrmBot.Slack.Inbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmBot.Slack;

/// <summary>
/// Slack's HTTP entry points. Each reads the raw body, verifies the signature over those exact bytes
/// (nothing is parsed or run before that), hands the payload to <see cref="SlackInbound"/> and answers
/// at once; the report itself runs in the background queue.
/// </summary>
public static class SlackEndpoints
{
    // Slack payloads are small (a slash command or an event is a few kB); this bounds what an
    // unauthenticated caller can make us buffer before the signature is checked.
    private const int MaxBodyBytes = 1 << 20;

    public static IEndpointRouteBuilder MapSlackChannel(this IEndpointRouteBuilder endpoints)
    {
        var slack = endpoints.MapGroup("/slack");
        slack.MapPost("/commands", Commands);
        slack.MapPost("/events", Events);
        slack.MapPost("/interactions", Interactions);
        return endpoints;
    }

    private static async Task<IResult> Commands(HttpContext http, SlackInbound inbound)
    {
        var body = await ReadVerifiedAsync(http);
        if (body is null)
            return IsSslCheck(http) ? Results.Ok() : Results.Unauthorized();
        var form = ParseForm(body);
        if (form["ssl_check"]?.GetValue<string>() == "1") return Results.Ok();
        return Results.Json(inbound.HandleCommand(form));
    }

    private static async Task<IResult> Events(HttpContext http, SlackInbound inbound)
    {
        var body = await ReadVerifiedAsync(http);
        if (body is null) return Results.Unauthorized();
        if (ParseJson(body) is not { } envelope) return BadRequest(http);
        return AckResult(inbound.HandleEvent(envelope));
    }

    private static async Task<IResult> Interactions(HttpContext http, SlackInbound inbound)
    {
        var body = await ReadVerifiedAsync(http);
        if (body is null) return Results.Unauthorized();
        if (ParseJson(Encoding.UTF8.GetBytes(ParseForm(body)["payload"]?.GetValue<string>() ?? "")) is not { } payload)
            return BadRequest(http);
        return AckResult(inbound.HandleInteraction(payload));
    }

    // Busy: 503, which Slack retries for an event and shows as a failed click; never a 200 for a dropped delivery.
    private static IResult AckResult(SlackAck ack) =>
        ack.IsBusy ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
        : ack.Body is null ? Results.Ok() : Results.Json(ack.Body);

    /// <summary>The raw body when the signature is good, else null (and nothing else is read).</summary>
    private static async Task<byte[]?> ReadVerifiedAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<SlackOptions>>().Value;
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        if (string.IsNullOrEmpty(options.SigningSecret)) return null;
        var body = await ReadBodyAsync(http.Request);
        if (body is null) return null;
        http.Items[RawBodyKey] = body;
        var ok = SlackSignature.IsValid(options.SigningSecret, http.Request.Headers[SlackSignature.TimestampHeader],
            http.Request.Headers[SlackSignature.SignatureHeader], body, clock.GetUtcNow());
        return ok ? body : null;
    }

    private const string RawBodyKey = "slack.rawBody";

    // Slack's SSL check is the one unsigned request: `ssl_check=1` to the command URL. Answer 200, do nothing.
    private static bool IsSslCheck(HttpContext http) =>
        http.Items[RawBodyKey] is byte[] body && ParseForm(body)["ssl_check"]?.GetValue<string>() == "1"
        && string.IsNullOrEmpty(http.Request.Headers[SlackSignature.SignatureHeader]);

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>A form body as a JSON object of strings: the shape Socket Mode delivers the same payload in.</summary>
    public static JsonObject ParseForm(byte[] body)
    {
        var result = new JsonObject();
        foreach (var (key, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
            result[key] = value.ToString();
        return result;
    }

    /// <summary>A JSON object body, or null when it is not valid UTF-8 or not a JSON object.</summary>
    public static JsonObject? ParseJson(byte[] body)
    {
        // JsonNode transcodes strings lazily: invalid UTF-8 would surface later, as an exception in whatever reads it.
        if (!Utf8.IsValid(body)) return null;
        // A repeated key is refused now; JsonObject would otherwise throw when first read.
        try { return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject; }
        catch (Exception e) when (e is JsonException or ArgumentException) { return null; }
    }

    // A signed request we cannot read will not get better on retry.
    private static IResult BadRequest(HttpContext http)
    {
        http.Response.Headers["X-Slack-No-Retry"] = "1";
        return Results.BadRequest();
    }
}
