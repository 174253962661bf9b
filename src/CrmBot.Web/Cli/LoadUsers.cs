using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Cli;

public enum LoadChannel { Teams, Slack }

/// <summary>One virtual user of `crmbot load`: a CRM rep or manager, linked to its own Teams or Slack id, asking in one language.</summary>
public sealed record LoadUser(int Index, LoadChannel Channel, string PlatformUserId, string Conversation, int CrmUserId, UserRole Role, bool Chinese)
{
    /// <summary>The report sentences this user asks, in turn (help's examples: what a user would type).</summary>
    public IReadOnlyList<string> Sentences => Chinese ? LoadUsers.SentencesZh : LoadUsers.SentencesEn;
}

/// <summary>
/// Picks the virtual users and links them, the way `bench http` links its one asker: a ChatIdentities row
/// per chat id, so the bot finds them without a members lookup. Writes these rows to the database it runs on
/// (identities of a previous load run are replaced).
/// </summary>
public static class LoadUsers
{
    public const string TeamsWorkspace = "emulator";   // no tenant in the activity: the channel id is the workspace
    public const string SlackTeamId = "TLOAD";
    private const string TeamsUserPrefix = "load-teams-";

    // Read-only report topics (no log, snooze, subscribe or settings: a load run must not change the CRM).
    private static readonly string[] ReportTopics =
        ["stale", "neglected", "leaderboard", "lost", "pipeline", "leads", "activity", "winrate", "trends", "forecast", "plan", "nudgestats"];

    public static readonly IReadOnlyList<string> SentencesEn = Examples(chinese: false);
    public static readonly IReadOnlyList<string> SentencesZh = Examples(chinese: true);

    // "for @someone" names a person the load run cannot know.
    private static string[] Examples(bool chinese) =>
        [.. CommandCatalog.Topics.Where(t => ReportTopics.Contains(t.Topic)).SelectMany(t => t.Examples(chinese)).Where(s => !s.Contains('@'))];

    /// <summary>
    /// <paramref name="count"/> users alternating Teams / Slack, and per channel alternating English / Chinese;
    /// every fifth is a manager when there are managers. CRM users are reused when there are fewer than asked for.
    /// </summary>
    public static async Task<IReadOnlyList<LoadUser>> LinkAsync(CrmDbContext db, int count, DateTime now, CancellationToken ct)
    {
        var people = await db.Users.Where(u => u.IsActive && u.Role != UserRole.Admin).OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.Role }).ToListAsync(ct);
        var reps = people.Where(p => p.Role == UserRole.Rep).ToList();
        var managers = people.Where(p => p.Role == UserRole.Manager).ToList();
        if (reps.Count == 0 && managers.Count == 0)
            return [];

        var users = new List<LoadUser>();
        for (var i = 0; i < count; i++)
        {
            var manager = managers.Count > 0 && (i % 5 == 4 || reps.Count == 0);
            var person = manager ? managers[i / 5 % managers.Count] : reps[i % reps.Count];
            var channel = i % 2 == 0 ? LoadChannel.Teams : LoadChannel.Slack;
            var platformUserId = channel == LoadChannel.Teams ? $"{TeamsUserPrefix}{i}" : $"ULOAD{i}";
            var conversation = channel == LoadChannel.Teams ? $"load-conversation-{i}" : $"CLOAD{i}";
            users.Add(new LoadUser(i, channel, platformUserId, conversation, person.Id, person.Role, Chinese: i / 2 % 2 == 1));
        }

        await db.ChatIdentities.Where(c => (c.Platform == ChatPlatform.Teams && c.Workspace == TeamsWorkspace && c.PlatformUserId.StartsWith(TeamsUserPrefix))
            || (c.Platform == ChatPlatform.Slack && c.Workspace == SlackTeamId)).ExecuteDeleteAsync(ct);
        db.ChatIdentities.AddRange(users.Select(u => new ChatIdentity
        {
            Platform = u.Channel == LoadChannel.Teams ? ChatPlatform.Teams : ChatPlatform.Slack,
            Workspace = u.Channel == LoadChannel.Teams ? TeamsWorkspace : SlackTeamId,
            PlatformUserId = u.PlatformUserId,
            UserId = u.CrmUserId,
            LinkedAt = now,
        }));
        await db.SaveChangesAsync(ct);
        return users;
    }
}
