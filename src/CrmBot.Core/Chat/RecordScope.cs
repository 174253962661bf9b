using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Chat;

/// <summary>
/// The accounts and deals an asker may act on (design.md section 6): a rep their own, a manager their
/// teams' (and their own), an admin all. An account without an owner (imports without account owners) belongs to
/// whoever owns a deal on it, as in the reports (<see cref="ScopeFilters"/>). Every write from chat goes through this,
/// so a forged id in a button payload finds nothing.
/// </summary>
public sealed class RecordScope(CrmDbContext db)
{
    /// <summary>How many matches a name search returns at most (buttons to choose from).</summary>
    private const int MaxMatches = 10;

    /// <summary>
    /// Free text a choice button may carry: Slack takes at most 2,000 characters in a button's value, and Teams a card of
    /// about 100 KB with each button's data in it twice, for up to <see cref="MaxMatches"/> buttons.
    /// </summary>
    public const int MaxCarriedInButtons = 1_000;

    public IQueryable<Opportunity> Opportunities(Asker asker) => asker.Role switch
    {
        UserRole.Admin => db.Opportunities,
        UserRole.Manager => db.Opportunities.Where(o => o.OwnerId == asker.UserId || TeamMemberIds(asker).Contains(o.OwnerId)),
        _ => db.Opportunities.Where(o => o.OwnerId == asker.UserId),
    };

    public IQueryable<Account> Accounts(Asker asker)
    {
        if (asker.Role == UserRole.Admin)
            return db.Accounts;
        var deals = Opportunities(asker);
        return asker.Role == UserRole.Manager
            ? db.Accounts.Where(a => a.OwnerId == asker.UserId || (a.OwnerId != null && TeamMemberIds(asker).Contains(a.OwnerId.Value))
                                     || (a.OwnerId == null && deals.Any(o => o.AccountId == a.Id)))
            : db.Accounts.Where(a => a.OwnerId == asker.UserId || (a.OwnerId == null && deals.Any(o => o.AccountId == a.Id)));
    }

    public IQueryable<Lead> Leads(Asker asker) => asker.Role switch
    {
        UserRole.Admin => db.Leads,
        UserRole.Manager => db.Leads.Where(l => l.OwnerId == asker.UserId || (l.OwnerId != null && TeamMemberIds(asker).Contains(l.OwnerId.Value))),
        _ => db.Leads.Where(l => l.OwnerId == asker.UserId),
    };

    private IQueryable<int> TeamMemberIds(Asker asker)
    {
        var teams = asker.ManagedTeamIds.ToList();
        return db.Users.Where(u => u.TeamId != null && teams.Contains(u.TeamId.Value)).Select(u => u.Id);
    }

    /// <summary>
    /// Open deals and accounts in scope named like <paramref name="name"/>: exact names (any case) if
    /// there are any, else names containing it.
    /// </summary>
    public async Task<IReadOnlyList<RecordRef>> FindAsync(Asker asker, string name, CancellationToken ct)
    {
        var lower = name.Trim().ToLowerInvariant();
        var pattern = "%" + lower.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var deals = await Opportunities(asker)
            .Where(o => o.Stage != OpportunityStage.ClosedWon && o.Stage != OpportunityStage.ClosedLost)
            .Where(o => EF.Functions.Like(o.Name.ToLower(), pattern, "\\"))
            .OrderBy(o => o.Name).Take(MaxMatches).Select(o => new RecordRef(RecordKind.Opportunity, o.Id, o.Name)).ToListAsync(ct);
        var accounts = await Accounts(asker)
            .Where(a => EF.Functions.Like(a.Name.ToLower(), pattern, "\\"))
            .OrderBy(a => a.Name).Take(MaxMatches).Select(a => new RecordRef(RecordKind.Account, a.Id, a.Name)).ToListAsync(ct);
        var all = accounts.Concat(deals).ToList();
        var exact = all.Where(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return exact.Count > 0 ? exact : all.Take(MaxMatches).ToList();
    }

    /// <summary>
    /// The one record a typed name means among the asker's, or the reply to give instead: "not found", or
    /// "which one?" with a button per match that repeats the action (<paramref name="verb"/>,
    /// <paramref name="buttonData"/>) on that record. <paramref name="carried"/> is the free text the buttons carry (a
    /// note, a reason): too long to ride in every button, it is left out of them and given back in the reply.
    /// </summary>
    public async Task<(RecordRef? Record, Reply? Instead)> FindOneAsync(ChatTurn turn, string name, string verb,
        Func<RecordRef, Dictionary<string, string>> buttonData, string? carried, CancellationToken ct)
    {
        var matches = await FindAsync(turn.Asker, name, ct);
        if (matches.Count == 1) return (matches[0], null);
        if (matches.Count == 0)
            return (null, turn.Error(
                $"I couldn't find an account or open deal called “{name}” among yours.",
                $"在您的客戶或進行中商機裡找不到「{name}」。"));
        // A text too long for a button is left out of them and given back: the record is still chosen by button, and a
        // log button without notes asks for them in a form.
        var tooLong = carried is { Length: > MaxCarriedInButtons };
        Dictionary<string, string> Data(RecordRef match)
        {
            var data = new Dictionary<string, string>(buttonData(match)) { [ReplyButtons.ReplyLanguage] = turn.Language };
            if (tooLong)
                foreach (var key in data.Where(d => d.Value == carried).Select(d => d.Key).ToList())
                    data.Remove(key);
            return data;
        }
        return (null, new Reply
        {
            Kind = ReplyKind.Choice,
            Language = turn.Language,
            Title = turn.T("Which one?", "是哪一個？"),
            Text = tooLong
                ? turn.T($"“{name}” matches {matches.Count} records. Your text is too long to carry in these buttons, so here it is to paste again when asked:\n\n{carried}",
                         $"「{name}」符合 {matches.Count} 筆資料。您的內容太長，無法放在這些按鈕中；內容如下，需要時可再貼上：\n\n{carried}")
                : turn.T($"“{name}” matches {matches.Count} records.", $"「{name}」符合 {matches.Count} 筆資料。"),
            Visibility = turn.PrivateInChannel,
            Buttons = [.. matches.Select(m => new ReplyButton(m.Name, verb, Data(m)))],
        });
    }

    /// <summary>The record a button names, if the asker may act on it; null for a forged or stale id.</summary>
    public async Task<RecordRef?> ResolveAsync(Asker asker, IReadOnlyDictionary<string, string> data, CancellationToken ct)
    {
        if (data.TryGetValue("opportunityId", out var o) && int.TryParse(o, out var opportunityId))
            return await Opportunities(asker).Where(x => x.Id == opportunityId)
                .Select(x => new RecordRef(RecordKind.Opportunity, x.Id, x.Name)).FirstOrDefaultAsync(ct);
        if (data.TryGetValue("accountId", out var a) && int.TryParse(a, out var accountId))
            return await Accounts(asker).Where(x => x.Id == accountId)
                .Select(x => new RecordRef(RecordKind.Account, x.Id, x.Name)).FirstOrDefaultAsync(ct);
        if (data.TryGetValue("leadId", out var l) && int.TryParse(l, out var leadId))
            return await Leads(asker).Where(x => x.Id == leadId)
                .Select(x => new RecordRef(RecordKind.Lead, x.Id, x.Name)).FirstOrDefaultAsync(ct);
        return null;
    }

    /// <summary>Data for a button that acts on <paramref name="record"/> (the keys <see cref="CardVerbs"/> documents).</summary>
    public static Dictionary<string, string> IdData(RecordRef record) => record.Kind == RecordKind.Opportunity
        ? new() { ["opportunityId"] = record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }
        : new() { ["accountId"] = record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
