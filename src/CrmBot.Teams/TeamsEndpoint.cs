using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using CrmBot.Teams.Auth;
using CrmBot.Teams.Cards;
using CrmBot.Teams.Connector;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams;

/// <summary>POST /api/messages: the Bot Framework messaging endpoint (the Azure Bot's "messaging endpoint").</summary>
public static class TeamsEndpoint
{
    public const string Path = "/api/messages";
    public const string AdaptiveCardActionInvoke = "adaptiveCard/action";
    // Activities are a few kB; Teams refuses anything near 100 kB. Anything far bigger is not from a channel.
    private const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointConventionBuilder MapTeamsChannel(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value;
        var log = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TeamsEndpoint));
        if (options.AuthenticationEnabled)
            log.LogInformation("Teams endpoint {Path}: Bot Framework authentication ON for app {AppId}", Path, options.MicrosoftAppId);
        else
            log.LogWarning("Teams endpoint {Path}: AUTHENTICATION IS OFF because Teams:MicrosoftAppId is empty. Any caller can post activities " +
                "(local Emulator / Web Chat mode). Set Teams:MicrosoftAppId and Teams:MicrosoftAppPassword before exposing this endpoint.", Path);
        return endpoints.MapPost(Path, HandleAsync);
    }

    private static async Task<IResult> HandleAsync(HttpContext http, BotFrameworkAuthenticator authenticator, TeamsTurnQueue queue,
        IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, IOptions<TeamsOptions> options, TimeProvider time, ILoggerFactory logs)
    {
        var log = logs.CreateLogger(typeof(TeamsEndpoint));
        // Only ever lowers the limit: the host may already enforce a smaller one (Host:MaxRequestBodyBytes).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && !(size.MaxRequestBodySize <= MaxBodyBytes))
            size.MaxRequestBodySize = MaxBodyBytes;

        // Buffered (the size is bounded by the host) so that the bytes can be checked before they are parsed.
        using var body = new MemoryStream();
        try
        {
            await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        if (ParseActivity(body.GetBuffer().AsSpan(0, (int)body.Length)) is not { } activity)
            return Results.BadRequest(Error("BadRequest", "The body is not a Bot Framework activity."));

        // With an app id configured, nothing below this line runs for a request without a valid token.
        var auth = await authenticator.AuthenticateAsync(http.Request.Headers.Authorization.FirstOrDefault(), activity, http.RequestAborted);
        if (!auth.Succeeded)
        {
            log.LogWarning("Rejected a {Type} activity with {Status}: {Reason}", activity.Type, auth.StatusCode, auth.Failure);
            if (auth.StatusCode == StatusCodes.Status503ServiceUnavailable)
                http.Response.Headers.RetryAfter = ((int)EndorsedKeyCache.NoKeysRetryInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return Results.StatusCode(auth.StatusCode);
        }

        switch (activity.Type)
        {
            case "invoke" when activity.Name == AdaptiveCardActionInvoke:
                return await InvokeAsync(activity, scopes, lifetime.ApplicationStopping, options.Value, time, log);
            case "invoke":
                return Results.StatusCode(StatusCodes.Status501NotImplemented);
            case "message" or "conversationUpdate" or "installationUpdate":
                if (queue.TryEnqueue(activity))
                    return Results.Ok();
                log.LogWarning("Teams turn queue is full; asking the channel to retry");
                http.Response.Headers.RetryAfter = "2";
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            default:
                return Results.Ok(); // typing, reactions, … : nothing to do
        }
    }

    /// <summary>The activity in a request body, or null when it is not valid UTF-8, not an activity, or has no type.</summary>
    public static Activity? ParseActivity(ReadOnlySpan<byte> body)
    {
        // JsonNode values such as activity.value transcode lazily: invalid UTF-8 would otherwise throw wherever they are first read.
        if (!Utf8.IsValid(body))
            return null;
        try
        {
            return JsonSerializer.Deserialize<Activity>(body, BotJson.Options) is { Type.Length: > 0 } activity ? activity : null;
        }
        // A repeated key inside a JsonObject property surfaces as ArgumentException, not JsonException.
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Action.Execute is answered in this HTTP response (invokes are synchronous) within the invoke budget.
    /// A slower report gets a short message now and its card as a new message when ready.
    /// </summary>
    private static async Task<IResult> InvokeAsync(Activity activity, IServiceScopeFactory scopes, CancellationToken stopping,
        TeamsOptions options, TimeProvider time, ILogger log)
    {
        if (TeamsTurnHandler.ReadInvokeAction(activity) is not { } action)
            return Results.Json(InvokeError(400, "BadRequest", "value.action.verb is missing"), statusCode: StatusCodes.Status400BadRequest);

        // The scope outlives this request when the work is late, so it is not the request's scope.
        var scope = scopes.CreateAsyncScope();
        var work = scope.ServiceProvider.GetRequiredService<TeamsTurnHandler>().HandleCardActionAsync(activity, action, stopping);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var inTime = await Task.WhenAny(work, Task.Delay(options.InvokeBudget, time, budget.Token)) == work;
        await budget.CancelAsync();   // its timer goes now, not 4.5 s after every answered invoke
        if (inTime)
        {
            try
            {
                var answer = await work;
                return answer.Card is { } card
                    ? new CardInvokeResponse(card)
                    : Results.Json(new JsonObject { ["statusCode"] = 200, ["type"] = "application/vnd.microsoft.activity.message", ["value"] = answer.Message });
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                log.LogError(e, "Action.Execute {Verb} failed", action.Verb);
                return Results.Json(InvokeError(500, "InternalError", "The action could not be completed."));
            }
            finally
            {
                await scope.DisposeAsync();
            }
        }

        _ = PostLateCardAsync(activity, work, scope, log, stopping);
        return Results.Json(new JsonObject
        {
            ["statusCode"] = 200,
            ["type"] = "application/vnd.microsoft.activity.message",
            ["value"] = WorkingOnIt(activity.Locale),
        });
    }

    /// <summary>The invoke's answer when the card will follow as a new message (past the invoke budget).</summary>
    public static string WorkingOnIt(string? locale) =>
        locale?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true
            ? "處理中，結果稍後會出現在這個對話。"
            : "Working on it; the answer will follow in this chat.";

    private static async Task PostLateCardAsync(Activity activity, Task<InvokeAnswer> work, AsyncServiceScope scope, ILogger log, CancellationToken stopping)
    {
        await using var _ = scope;
        try
        {
            // The card, or the short message (sent privately; try again) that the caller would have seen in time.
            var answer = await work;
            var late = answer.Card is { } card ? ActivityFactory.CardReply(activity, card.Card)
                : answer.Message is { } message ? ActivityFactory.TextReply(activity, message) : null;
            if (late is null)
                return;
            var connector = scope.ServiceProvider.GetRequiredService<ConnectorClient>();
            await connector.SendToConversationAsync(activity.ServiceUrl!, activity.Conversation!.Id!, late, stopping);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            log.LogError(e, "Could not post the late answer to an Action.Execute in {Conversation}", activity.Conversation?.Id);
        }
    }

    private static JsonObject InvokeError(int status, string code, string message) => new()
    {
        ["statusCode"] = status,
        ["type"] = "application/vnd.microsoft.error",
        ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    private static JsonObject Error(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    /// <summary>
    /// The invoke response for a card: the card's JSON, serialized once already (to measure it against the budget), is
    /// written between a fixed start and end, not serialized again.
    /// </summary>
    private sealed class CardInvokeResponse(RenderedCard card) : IResult
    {
        private static readonly byte[] Start = """{"statusCode":200,"type":"application/vnd.microsoft.card.adaptive","value":"""u8.ToArray();
        private static readonly byte[] End = "}"u8.ToArray();

        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.ContentLength = Start.Length + card.Utf8Json.Length + End.Length;
            await http.Response.Body.WriteAsync(Start, http.RequestAborted);
            await http.Response.Body.WriteAsync(card.Utf8Json, http.RequestAborted);
            await http.Response.Body.WriteAsync(End, http.RequestAborted);
        }
    }
}
