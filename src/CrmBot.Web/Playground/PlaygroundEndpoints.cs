using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Slack.Blocks;
using CrmBot.Teams.Cards;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Playground;

/// <summary>Configuration section "Playground".</summary>
public sealed class PlaygroundOptions
{
    public const string Section = "Playground";

    /// <summary>Null: on for the embedded default (SQLite, no Teams app id), off otherwise. True/false overrides.</summary>
    public bool? Enabled { get; set; }
}

/// <summary>
/// /playground: chat with the bot as any CRM user, seeing the Teams card (Microsoft's renderer) and
/// the Slack blocks side by side. It runs the real engine and renderers; only identity is chosen by hand.
/// </summary>
public static class PlaygroundEndpoints
{
    public sealed record MessageRequest(int UserId, string? Text);

    public sealed record ActionRequest(int UserId, string? Verb, Dictionary<string, string>? Data);

    public sealed record Answer(string Kind, JsonObject Card, SlackMessage Slack, string? ChartPng);

    public static bool IsEnabled(PlaygroundOptions options, DatabaseOptions database, string? teamsAppId) =>
        options.Enabled ?? (database.Provider == DatabaseProvider.Sqlite && string.IsNullOrEmpty(teamsAppId));

    public static IEndpointRouteBuilder MapPlayground(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/playground/api");
        api.MapGet("/users", ListUsersAsync);
        api.MapGet("/suggestions", SuggestionsAsync);
        api.MapPost("/message", MessageAsync);
        api.MapPost("/action", ActionAsync);
        return app;
    }

    private static async Task<IResult> ListUsersAsync(CrmDbContext db, CancellationToken ct) =>
        Results.Ok(await db.Users.Where(u => u.IsActive)
            .OrderBy(u => u.Role == UserRole.Manager ? 0 : u.Role == UserRole.Rep ? 1 : 2).ThenBy(u => u.Name)
            .Select(u => new { u.Id, u.Name, u.Email, Role = u.Role.ToString(), Team = u.Team != null ? u.Team.Name : null, u.TimeZone, u.Language })
            .Take(500).ToListAsync(ct));

    private static async Task<IResult> SuggestionsAsync(int userId, CrmDbContext db, CancellationToken ct)
    {
        var user = await db.Users.Where(u => u.Id == userId).Select(u => new { u.Role, u.Language }).FirstOrDefaultAsync(ct);
        if (user is null)
            return Results.NotFound();
        return Results.Ok(PlaygroundSuggestions.For(user.Role, user.Language));
    }

    private static async Task<IResult> MessageAsync(MessageRequest request, CrmDbContext db, [FromServices] IChatEngine engine,
        [FromServices] AdaptiveCardRenderer cards, [FromServices] BlockKitRenderer blocks, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
            return Results.BadRequest(new { error = "Type a message, for example \"help\"." });
        var asker = await AskerAsync(db, request.UserId, ct);
        if (asker is null)
            return Results.NotFound(new { error = "No such demo user." });
        var reply = await engine.HandleTextAsync(asker, Context(asker), request.Text, ct);
        return Results.Ok(Render(reply, cards, blocks));
    }

    private static async Task<IResult> ActionAsync(ActionRequest request, CrmDbContext db, [FromServices] IChatEngine engine,
        [FromServices] AdaptiveCardRenderer cards, [FromServices] BlockKitRenderer blocks, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Verb))
            return Results.BadRequest(new { error = "An action needs a verb." });
        var asker = await AskerAsync(db, request.UserId, ct);
        if (asker is null)
            return Results.NotFound(new { error = "No such demo user." });
        // The Teams preview sends a card form's values as Teams does (CardForms); the Slack preview sends plain data.
        var action = new CardAction(request.Verb, CardForms.Unwrap(new Dictionary<string, string>(request.Data ?? [], StringComparer.Ordinal)));
        var reply = await engine.HandleActionAsync(asker, Context(asker), action, ct);
        return Results.Ok(Render(reply, cards, blocks));
    }

    private static Answer Render(Reply reply, AdaptiveCardRenderer cards, BlockKitRenderer blocks) =>
        new(reply.Kind.ToString(), cards.Render(reply), blocks.Render(reply), ChartPng: null);

    // The playground is a 1:1 chat, like a DM with the bot.
    private static ChatContext Context(Asker asker) =>
        new(ChatPlatform.Teams, "playground", $"playground-{asker.UserId}", $"playground-user-{asker.UserId}", IsPersonal: true);

    private static async Task<Asker?> AskerAsync(CrmDbContext db, int userId, CancellationToken ct)
    {
        var user = await db.Users.Where(u => u.Id == userId && u.IsActive)
            .Select(u => new { u.Id, u.Name, u.Email, u.Role, u.TeamId, u.TimeZone, u.Language, u.StaleThresholdDays })
            .FirstOrDefaultAsync(ct);
        if (user is null)
            return null;
        var managed = await db.Teams.Where(t => t.ManagerId == userId).Select(t => t.Id).ToListAsync(ct);
        return new Asker(user.Id, user.Name, user.Email, user.Role, user.TeamId, managed, user.TimeZone, user.Language, user.StaleThresholdDays);
    }
}

/// <summary>Command suggestions as you type: the examples of design.md section 5 a user of this role may run.</summary>
internal static class PlaygroundSuggestions
{
    private static readonly (string Text, UserRole MinimumRole)[] English =
    [
        ("help", UserRole.Rep), ("my stale deals", UserRole.Rep), ("stale deals over 30 days", UserRole.Rep),
        ("neglected customers", UserRole.Rep), ("team leaderboard", UserRole.Rep), ("leaderboard last quarter", UserRole.Rep),
        ("lost this quarter", UserRole.Rep), ("lost deals last quarter", UserRole.Rep), ("my pipeline", UserRole.Rep),
        ("pipeline by partner", UserRole.Manager), ("pipeline by owner", UserRole.Manager), ("leads last month by source", UserRole.Rep),
        ("team activity this week", UserRole.Manager), ("win rate ytd", UserRole.Rep), ("win rate ytd vs last year", UserRole.Rep),
        ("compare yoy", UserRole.Rep), ("mtd", UserRole.Rep), ("forecast", UserRole.Rep), ("my plan", UserRole.Rep),
        ("settings", UserRole.Rep), ("nudge stats", UserRole.Manager),
    ];

    private static readonly (string Text, UserRole MinimumRole)[] Chinese =
    [
        ("說明", UserRole.Rep), ("我的停滯商機", UserRole.Rep), ("團隊排行榜", UserRole.Rep), ("本季失去的機會", UserRole.Rep),
        ("銷售管線", UserRole.Rep), ("上個月商機來源", UserRole.Rep), ("團隊活動量", UserRole.Manager), ("今年至今贏率", UserRole.Rep),
        ("年增比較", UserRole.Rep), ("業務預測", UserRole.Rep), ("我的行動計畫", UserRole.Rep),
    ];

    public static IReadOnlyList<string> For(UserRole role, string language)
    {
        var (first, second) = language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? (Chinese, English) : (English, Chinese);
        return first.Concat(second).Where(s => role >= s.MinimumRole).Select(s => s.Text).ToList();
    }
}
