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
        var linkedUserId = await db.ChatIdentities
            .Where(i => i.Platform == platform && i.Workspace == workspace && i.PlatformUserId == platformUserId)
            .Select(i => (int?)i.UserId).FirstOrDefaultAsync(ct);
        if (linkedUserId is { } known)
            return await AskerAsync(known, ct);

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

        await LinkAsync(platform, workspace, platformUserId, aadObjectId, userId.Value, ct);
        return await AskerAsync(userId.Value, ct);
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
            db.Entry(identity).State = EntityState.Detached;
        }
    }

    private async Task<Asker?> AskerAsync(int userId, CancellationToken ct)
    {
        var user = await db.Users.Where(u => u.Id == userId && u.IsActive)
            .Select(u => new { u.Id, u.Name, u.Email, u.Role, u.TeamId, u.TimeZone, u.Language }).FirstOrDefaultAsync(ct);
        if (user is null)
            return null;
        var managed = await db.Teams.Where(t => t.ManagerId == userId).OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(ct);
        return new Asker(user.Id, user.Name, user.Email, user.Role, user.TeamId, managed, user.TimeZone, user.Language);
    }
}
