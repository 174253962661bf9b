using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>
/// Whose records a report covers, computed before any report query runs (design.md section 6): the owner
/// ids become a WHERE in every query, so nothing outside the scope is ever read. <see cref="OwnerIds"/> null
/// means everyone (an admin asking about the whole company).
/// </summary>
public sealed record ReportScope(string Label, IReadOnlyList<int>? OwnerIds, IReadOnlyList<int> TeamIds)
{
    public bool IsEveryone => OwnerIds is null;

    /// <summary>One person's records (the asker or one rep): reports then leave out per-owner breakdowns.</summary>
    public bool IsSingleUser => OwnerIds is { Count: 1 } && TeamIds.Count == 0;

    /// <summary>The one person of a single-user scope (not a team that happens to have one owner); else null.</summary>
    public int? SinglePerson => IsSingleUser ? OwnerIds![0] : null;

    public bool Includes(int ownerId) => OwnerIds is null || OwnerIds.Contains(ownerId);

    public static ReportScope ForUser(int userId, string name) => new(name, [userId], []);

    /// <summary>
    /// Resolves the request's subject for the asker, or answers instead (refused, ambiguous, not found).
    /// Rules: a rep sees their own records and their own team's leaderboard; a manager their managed teams
    /// (and themself); an admin everything.
    /// </summary>
    public static async Task<(ReportScope? Scope, ReportOutcome? Outcome)> ResolveAsync(
        CrmDbContext db, Asker asker, ReportKind kind, SubjectSpec? subject, Formats f, CancellationToken ct)
    {
        subject ??= DefaultSubject(asker, kind);
        if (kind == ReportKind.ActionPlan && subject.Kind is SubjectKind.MyTeam or SubjectKind.Everyone or SubjectKind.Team)
            return (null, new SubjectNotAPerson());
        switch (subject.Kind)
        {
            case SubjectKind.Me:
                return (ForUser(asker.UserId, asker.Name), null);
            case SubjectKind.MyTeam:
            case SubjectKind.Everyone:
                return await OwnTeamsAsync(db, asker, kind, subject.Kind, f, ct);
            case SubjectKind.Team:
                return await NamedTeamAsync(db, asker, kind, subject.Name ?? "", f, ct);
            default:
                return await NamedUserAsync(db, asker, subject, f, ct);
        }
    }

    /// <summary>What a report covers when the words name no one: the asker's natural scope for their role.</summary>
    public static SubjectSpec DefaultSubject(Asker asker, ReportKind kind) => kind switch
    {
        ReportKind.ActionPlan => SubjectSpec.Me,
        ReportKind.Leaderboard => asker.Role == UserRole.Admin ? SubjectSpec.Everyone : SubjectSpec.MyTeam,
        _ => asker.Role switch
        {
            UserRole.Admin => SubjectSpec.Everyone,
            UserRole.Manager => SubjectSpec.MyTeam,
            _ => SubjectSpec.Me,
        },
    };

    /// <summary>The refusal text: says what the asker may see, names no data.</summary>
    public static string RefusalText(Asker asker, Formats f) => asker.Role switch
    {
        UserRole.Manager => f.IsChinese
            ? "抱歉，您只能查看自己管理的團隊的資料。"
            : "Sorry, you can only see the teams you manage.",
        _ => f.IsChinese
            ? "抱歉，您只能查看自己的商機、潛在客戶與活動，以及所屬團隊的排行榜。"
            : "Sorry, you can only see your own deals, leads and activities, and your team's leaderboard.",
    };

    private static async Task<(ReportScope?, ReportOutcome?)> OwnTeamsAsync(
        CrmDbContext db, Asker asker, ReportKind kind, SubjectKind subject, Formats f, CancellationToken ct)
    {
        switch (asker.Role)
        {
            case UserRole.Admin when subject == SubjectKind.Everyone || (asker.ManagedTeamIds.Count == 0 && asker.TeamId is null):
                return (new ReportScope(f.IsChinese ? "所有團隊" : "All teams", null, []), null);
            case UserRole.Admin:
                return (await ForTeamsAsync(db, asker.ManagedTeamIds.Count > 0 ? asker.ManagedTeamIds : [asker.TeamId!.Value], f, ct), null);
            case UserRole.Manager when asker.ManagedTeamIds.Count > 0:
                return (await ForTeamsAsync(db, asker.ManagedTeamIds, f, ct), null);
            case UserRole.Rep when kind == ReportKind.Leaderboard && asker.TeamId is { } team:
                return (await ForTeamsAsync(db, [team], f, ct), null);
            case UserRole.Rep when subject == SubjectKind.MyTeam && kind != ReportKind.Leaderboard:
                return (null, new ReportRefused(RefusalText(asker, f)));
            default:
                // A manager without a team, a rep without a team, or "everything I may see" for a rep.
                return (ForUser(asker.UserId, asker.Name), null);
        }
    }

    private static async Task<(ReportScope?, ReportOutcome?)> NamedTeamAsync(
        CrmDbContext db, Asker asker, ReportKind kind, string name, Formats f, CancellationToken ct)
    {
        var key = name.Trim().ToLower();
        var teams = await db.Teams.Where(t => t.Name.ToLower() == key).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        if (teams.Count == 0)
            teams = await db.Teams.Where(t => t.Name.ToLower().Contains(key)).OrderBy(t => t.Name)
                .Select(t => new { t.Id, t.Name }).Take(10).ToListAsync(ct);
        var visible = teams.Where(t => MaySeeTeam(asker, kind, t.Id)).ToList();
        if (teams.Count == 0)
            return (null, new SubjectNotFound(name, SubjectKind.Team));
        if (visible.Count == 0)
            return (null, new ReportRefused(RefusalText(asker, f)));
        if (visible.Count > 1)
            return (null, new SubjectAmbiguous(name, visible.Select(t => new RecordRef(RecordKind.Team, t.Id, t.Name)).ToList()));
        return (await ForTeamsAsync(db, [visible[0].Id], f, ct), null);
    }

    private static async Task<(ReportScope?, ReportOutcome?)> NamedUserAsync(
        CrmDbContext db, Asker asker, SubjectSpec subject, Formats f, CancellationToken ct)
    {
        var name = (subject.Name ?? "").Trim();
        var key = name.TrimStart('@').ToLower();
        var users = new List<(int Id, string Name, int? TeamId)>();
        if (subject.Kind == SubjectKind.Mention)
        {
            // A chat mention carries the platform's user id; fall back to the display name.
            var linked = await db.ChatIdentities.Where(c => c.PlatformUserId == name || c.AadObjectId == name)
                .Select(c => new { c.User!.Id, c.User.Name, c.User.TeamId }).Distinct().ToListAsync(ct);
            users = linked.Select(u => (u.Id, u.Name, u.TeamId)).ToList();
        }
        if (users.Count == 0)
        {
            var exact = await db.Users.Where(u => u.Email.ToLower() == key || u.Name.ToLower() == key)
                .Select(u => new { u.Id, u.Name, u.TeamId }).ToListAsync(ct);
            if (exact.Count == 0)
                exact = await db.Users.Where(u => u.Name.ToLower().Contains(key)).OrderBy(u => u.Name)
                    .Select(u => new { u.Id, u.Name, u.TeamId }).Take(10).ToListAsync(ct);
            users = exact.Select(u => (u.Id, u.Name, u.TeamId)).ToList();
        }
        if (users.Count == 0)
            return (null, new SubjectNotFound(name, subject.Kind == SubjectKind.Mention ? SubjectKind.Mention : SubjectKind.User));
        var visible = users.Where(u => MaySeeUser(asker, u.Id, u.TeamId)).ToList();
        if (visible.Count == 0)
            return (null, new ReportRefused(RefusalText(asker, f)));
        if (visible.Count > 1)
            return (null, new SubjectAmbiguous(name, visible.Select(u => new RecordRef(RecordKind.User, u.Id, u.Name)).ToList()));
        return (ForUser(visible[0].Id, visible[0].Name), null);
    }

    private static bool MaySeeUser(Asker asker, int userId, int? teamId) =>
        userId == asker.UserId
        || asker.Role == UserRole.Admin
        || (asker.Role == UserRole.Manager && teamId is { } t && asker.ManagedTeamIds.Contains(t));

    private static bool MaySeeTeam(Asker asker, ReportKind kind, int teamId) =>
        asker.Role == UserRole.Admin
        || (asker.Role == UserRole.Manager && asker.ManagedTeamIds.Contains(teamId))
        || (kind == ReportKind.Leaderboard && asker.TeamId == teamId);

    /// <summary>Teams' records: their members' and their managers'.</summary>
    public static async Task<ReportScope> ForTeamsAsync(CrmDbContext db, IReadOnlyList<int> teamIds, Formats f, CancellationToken ct)
    {
        var ids = teamIds.ToList();
        var teams = await db.Teams.Where(t => ids.Contains(t.Id)).OrderBy(t => t.Name)
            .Select(t => new { t.Name, t.ManagerId }).ToListAsync(ct);
        var members = await db.Users.Where(u => u.TeamId != null && ids.Contains(u.TeamId.Value)).Select(u => u.Id).ToListAsync(ct);
        var owners = members.Concat(teams.Where(t => t.ManagerId != null).Select(t => t.ManagerId!.Value)).Distinct().Order().ToList();
        return new ReportScope(TeamsLabel(teams.Select(t => t.Name).ToList(), f), owners, ids);
    }

    /// <summary>"Team North" for a team named "North"; a name that already says it ("Team East", "東區團隊") as it is.</summary>
    public static string TeamsLabel(IReadOnlyList<string> names, Formats f)
    {
        var joined = string.Join(", ", names);
        var named = names.Count > 0 && names.All(n => n.StartsWith("Team ", StringComparison.OrdinalIgnoreCase) || n.EndsWith("團隊", StringComparison.Ordinal));
        return named ? joined : f.IsChinese ? $"{joined} 團隊" : (names.Count > 1 ? $"Teams {joined}" : $"Team {joined}");
    }
}

/// <summary>The scope as a WHERE clause, one per kind of record. Accounts belong to their owner, or, when
/// they have none (imports without account owners), to whoever owns a deal on them. One owner is compared as a
/// scalar: EF caches the SQL of a query with scalar parameters, but writes it anew on every run for a list
/// (EF 10 expands a list into one parameter per element).</summary>
public static class ScopeFilters
{
    public static IQueryable<Opportunity> InScope(this IQueryable<Opportunity> q, ReportScope scope)
    {
        if (scope.OwnerIds is null) return q;
        if (scope.OwnerIds is [var only]) return q.Where(o => o.OwnerId == only);
        var ids = scope.OwnerIds.ToList();
        return q.Where(o => ids.Contains(o.OwnerId));
    }

    public static IQueryable<Activity> InScope(this IQueryable<Activity> q, ReportScope scope)
    {
        if (scope.OwnerIds is null) return q;
        if (scope.OwnerIds is [var only]) return q.Where(a => a.OwnerId == only);
        var ids = scope.OwnerIds.ToList();
        return q.Where(a => ids.Contains(a.OwnerId));
    }

    public static IQueryable<Lead> InScope(this IQueryable<Lead> q, ReportScope scope)
    {
        if (scope.OwnerIds is null) return q;
        if (scope.OwnerIds is [var only]) return q.Where(l => l.OwnerId == only);
        var ids = scope.OwnerIds.ToList();
        return q.Where(l => l.OwnerId != null && ids.Contains(l.OwnerId.Value));
    }

    public static IQueryable<User> InScope(this IQueryable<User> q, ReportScope scope)
    {
        if (scope.OwnerIds is null) return q;
        if (scope.OwnerIds is [var only]) return q.Where(u => u.Id == only);
        var ids = scope.OwnerIds.ToList();
        return q.Where(u => ids.Contains(u.Id));
    }

    public static IQueryable<Account> InScope(this IQueryable<Account> q, IQueryable<Opportunity> opportunities, ReportScope scope)
    {
        if (scope.OwnerIds is null) return q;
        if (scope.OwnerIds is [var only])
            return q.Where(a => a.OwnerId != null ? a.OwnerId == only : opportunities.Any(o => o.AccountId == a.Id && o.OwnerId == only));
        var ids = scope.OwnerIds.ToList();
        return q.Where(a => a.OwnerId != null
            ? ids.Contains(a.OwnerId.Value)
            : opportunities.Any(o => o.AccountId == a.Id && ids.Contains(o.OwnerId)));
    }
}
