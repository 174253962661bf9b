using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// What the nudge buttons do (CardVerbs.LogActivity / CardVerbs.Snooze): log a completed call or
/// e-mail in the CRM, or snooze the item, and record the nudge outcome. Only the owner of the deal or
/// account (or their manager, or an admin) may act on it.
/// </summary>
public sealed class NudgeActions(CrmDbContext db, TimeProvider time)
{
    public async Task<Reply> LogActivityAsync(Asker asker, ActivityType type, int? opportunityId, int? accountId, string? notes, CancellationToken ct)
    {
        var f = Formats.For(asker.Language);
        var target = await FindAsync(asker, opportunityId, accountId, ct);
        if (target is null)
            return NotFound(f);
        var now = Now;
        db.Activities.Add(new Activity
        {
            Type = type, Status = ActivityStatus.Completed, OwnerId = asker.UserId,
            OpportunityId = target.OpportunityId, AccountId = target.AccountId,
            Subject = target.Name, Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim()[..Math.Min(notes.Trim().Length, 4000)],
            CreatedAt = now, CompletedAt = now,
        });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await NudgeOutcomes.RecordAsync(db, asker.UserId, target.OpportunityId, target.OpportunityId is null ? target.AccountId : null, NudgeOutcome.ActedOn, now, ct);
        var what = (type, f.IsChinese) switch
        {
            (ActivityType.Email, false) => "E-mail", (ActivityType.Email, true) => "郵件",
            (_, false) => "Call", (_, true) => "通話",
        };
        return Confirmation(f, f.IsChinese ? $"已記錄{what}：{target.Name}" : $"{what} logged for {target.Name}.");
    }

    /// <summary>Snoozes for <paramref name="days"/> or until the start of <paramref name="until"/> in the asker's time zone.</summary>
    public async Task<Reply> SnoozeAsync(Asker asker, int? opportunityId, int? accountId, int? days, DateOnly? until, string? reason, CancellationToken ct)
    {
        var f = Formats.For(asker.Language);
        var target = await FindAsync(asker, opportunityId, accountId, ct);
        if (target is null)
            return NotFound(f);
        var now = Now;
        var zone = Zones.Find(asker.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
        var untilDate = until ?? today.AddDays(days ?? 7);
        if (untilDate <= today || untilDate > today.AddYears(2))
            return new Reply
            {
                Kind = ReplyKind.Error, Language = f.Language, Title = f.IsChinese ? "日期無效" : "Invalid date",
                Text = f.IsChinese ? "請選擇明天到兩年內的日期。" : "Pick a date between tomorrow and two years from now.",
                Visibility = Visibility.Private,
            };
        db.Snoozes.Add(new Snooze
        {
            UserId = asker.UserId, OpportunityId = target.OpportunityId, AccountId = target.OpportunityId is null ? target.AccountId : null,
            Until = Zones.ToUtc(untilDate.ToDateTime(TimeOnly.MinValue), zone),
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, 500)],
            CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await NudgeOutcomes.RecordAsync(db, asker.UserId, target.OpportunityId, target.OpportunityId is null ? target.AccountId : null, NudgeOutcome.Snoozed, now, ct);
        return Confirmation(f, f.IsChinese ? $"已延後「{target.Name}」至 {f.Date(untilDate)}。" : $"Snoozed {target.Name} until {f.Date(untilDate)}.");
    }

    private sealed record Target(int? OpportunityId, int? AccountId, string Name);

    private async Task<Target?> FindAsync(Asker asker, int? opportunityId, int? accountId, CancellationToken ct)
    {
        Target? target = null;
        int? ownerId = null;
        if (opportunityId is { } oid)
        {
            var o = await db.Opportunities.AsNoTracking().Where(x => x.Id == oid)
                .Select(x => new { x.Id, x.AccountId, x.Name, x.OwnerId }).FirstOrDefaultAsync(ct);
            (target, ownerId) = o is null ? ((Target?)null, (int?)null) : (new Target(o.Id, o.AccountId, o.Name), o.OwnerId);
        }
        else if (accountId is { } aid)
        {
            var a = await db.Accounts.AsNoTracking().Where(x => x.Id == aid)
                .Select(x => new { x.Id, x.Name, x.OwnerId }).FirstOrDefaultAsync(ct);
            (target, ownerId) = a is null ? ((Target?)null, (int?)null) : (new Target(null, a.Id, a.Name), a.OwnerId);
        }
        if (target is null || asker.Role == UserRole.Admin || ownerId == asker.UserId)
            return target;
        var ownerTeam = await db.Users.Where(u => u.Id == ownerId).Select(u => u.TeamId).FirstOrDefaultAsync(ct);
        return ownerTeam is { } team && asker.ManagedTeamIds.Contains(team) ? target : null;
    }

    // Not found and not allowed read the same: the answer names no data (design.md 6).
    private static Reply NotFound(Formats f) => new()
    {
        Kind = ReplyKind.Error, Language = f.Language, Title = f.IsChinese ? "找不到" : "Not found",
        Text = f.IsChinese ? "找不到這筆商機或客戶，或你無權操作。" : "That deal or customer was not found, or it is not yours to update.",
        Visibility = Visibility.Private,
    };

    private static Reply Confirmation(Formats f, string text) => new()
    {
        Kind = ReplyKind.Confirmation, Language = f.Language, Title = f.IsChinese ? "完成" : "Done", Text = text, Visibility = Visibility.Private,
    };

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
