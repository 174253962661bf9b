using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Chat;

/// <summary>
/// Who is writing: a linked chat account, else a Teams user already linked elsewhere by AAD object id,
/// else the CRM user with the chat profile's e-mail (case-insensitive), linked on first contact.
/// </summary>
public sealed class IdentityLinker(CrmDbContext db, TimeProvider clock) : IIdentityLinker
{
    /// <summary>How long the channel's e-mail lookup (Teams members API, Slack users.info) may take before we give up.</summary>
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(10);

    public async Task<Asker?> ResolveAsync(ChatPlatform platform, string workspace, string platformUserId, string? aadObjectId,
        Func<CancellationToken, Task<string?>> lookupEmail, CancellationToken ct)
    {
        if (await LinkedProfile.For(db)(db, platform, workspace, platformUserId, ct) is { } linked)
            return await AskerAsync(linked, ct);

        int? userId = null;
        if (!string.IsNullOrEmpty(aadObjectId))
            userId = await db.ChatIdentities.Where(i => i.AadObjectId == aadObjectId)
                .Select(i => (int?)i.UserId).FirstOrDefaultAsync(ct);

        if (userId is null && await LookupAsync(lookupEmail, ct) is { } email)
        {
            var lower = email.Trim().ToLowerInvariant();
            userId = await db.Users.Where(u => u.IsActive && u.Email.ToLower() == lower).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct);
        }
        if (userId is null)
            return null;

        // Linked now (or a moment ago by another instance that won the race): read it as every later message will.
        await LinkAsync(platform, workspace, platformUserId, aadObjectId, userId.Value, ct);
        return await AskerAsync(await LinkedProfile.For(db)(db, platform, workspace, platformUserId, ct), ct);
    }

    private static async Task<string?> LookupAsync(Func<CancellationToken, Task<string?>> lookupEmail, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(LookupTimeout);
        try
        {
            var email = await lookupEmail(timeout.Token);
            return string.IsNullOrWhiteSpace(email) ? null : email;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null; // the channel did not answer in time: treat as not linkable now, try again next message
        }
    }

    private async Task LinkAsync(ChatPlatform platform, string workspace, string platformUserId, string? aadObjectId, int userId, CancellationToken ct)
    {
        var identity = new ChatIdentity
        {
            Platform = platform, Workspace = workspace, PlatformUserId = platformUserId, AadObjectId = aadObjectId,
            UserId = userId, LinkedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ChatIdentities.Add(identity);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first messages at once (two instances): the other one linked it; the unique index keeps one row.
            // Any other failure (a lock that outlasted the timeout) is an error, not "you are not linked".
            db.Entry(identity).State = EntityState.Detached;
            if (!await db.ChatIdentities.AnyAsync(i => i.Platform == platform && i.Workspace == workspace && i.PlatformUserId == platformUserId, ct))
                throw;
        }
    }

    /// <summary>
    /// Null for a deactivated user: they see nothing, linked or not. Writing to us means the bot is reachable again
    /// (reinstalled or unblocked), on either channel. Only when marked: an UPDATE is a write transaction even when it
    /// changes nothing, and this runs on every message.
    /// </summary>
    private async Task<Asker?> AskerAsync(Profile? user, CancellationToken ct)
    {
        if (user is not { IsActive: true })
            return null;
        if (user.Unreachable)
            await db.Users.Where(u => u.Id == user.Id && u.UnreachableSince != null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.UnreachableSince, (DateTime?)null), ct);
        return new Asker(user.Id, user.Name, user.Email, user.Role, user.TeamId, user.ManagedTeamIds, user.TimeZone, user.Language, user.StaleThresholdDays);
    }

    /// <summary>
    /// Every message asks this: one read for the link, its user and the teams they manage. Compiled once: building and
    /// looking up the query cost more than running it.
    /// </summary>
    private static readonly PerModelQuery<Func<CrmDbContext, ChatPlatform, string, string, CancellationToken, Task<Profile?>>> LinkedProfile = new(() =>
        EF.CompileAsyncQuery((CrmDbContext db, ChatPlatform platform, string workspace, string platformUserId, CancellationToken ct) =>
            db.ChatIdentities
                .Where(i => i.Platform == platform && i.Workspace == workspace && i.PlatformUserId == platformUserId)
                .Select(i => new Profile
                {
                    Id = i.User!.Id, IsActive = i.User.IsActive, Name = i.User.Name, Email = i.User.Email, Role = i.User.Role,
                    TeamId = i.User.TeamId, TimeZone = i.User.TimeZone, Language = i.User.Language,
                    StaleThresholdDays = i.User.StaleThresholdDays, Unreachable = i.User.UnreachableSince != null,
                    ManagedTeamIds = db.Teams.Where(t => t.ManagerId == i.UserId).OrderBy(t => t.Id).Select(t => t.Id).ToList(),
                })
                .FirstOrDefault()));

    private sealed class Profile
    {
        public int Id { get; init; }
        public bool IsActive { get; init; }
        public string Name { get; init; } = "";
        public string Email { get; init; } = "";
        public UserRole Role { get; init; }
        public int? TeamId { get; init; }
        public string TimeZone { get; init; } = "";
        public string Language { get; init; } = "";
        public int? StaleThresholdDays { get; init; }
        public bool Unreachable { get; init; }
        public List<int> ManagedTeamIds { get; init; } = [];
    }
}
