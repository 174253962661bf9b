using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using Microsoft.EntityFrameworkCore;

using CrmBot.Core.Scheduling;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>
/// "log call with Acme: talked pricing" and the log-a-call button: writes a completed activity on an
/// account or open deal in the asker's scope. Last touch is computed from activities, so nothing else changes.
/// </summary>
public sealed class LogActivityHandler(CrmDbContext db, RecordScope scope, TimeProvider clock) : ICommandHandler, ICardActionHandler
{
    /// <summary>Notes longer than this are cut: a chat message is not a document.</summary>
    private const int MaxNotesLength = 4_000;

    public async Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct)
    {
        var log = (LogActivityCommand)command;
        var (record, instead) = await scope.FindOneAsync(turn, log.Target, CardVerbs.LogActivity, m => ButtonData(m, log.Type, log.Notes), log.Notes, ct);
        return record is null ? instead! : await WriteAsync(record, log.Type, log.Notes, turn, ct);
    }

    public async Task<Reply> HandleAsync(CardAction action, ChatTurn turn, CancellationToken ct)
    {
        if (!Enum.TryParse<ActivityType>(action.Data.GetValueOrDefault("type"), ignoreCase: true, out var type) || !Enum.IsDefined(type))
            return turn.Error("That button no longer works.", "這個按鈕已失效。");
        var record = await scope.ResolveAsync(turn.Asker, action.Data, ct);
        if (record is null)
            return turn.Refusal("You can only log activities on your own accounts, deals and leads (or your team's).", "您只能在自己（或所管理團隊）的客戶、商機與潛在客戶上記錄活動。");
        return await WriteAsync(record, type, action.Data.GetValueOrDefault("notes"), turn, ct);
    }

    private async Task<Reply> WriteAsync(RecordRef record, ActivityType type, string? notes, ChatTurn turn, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        int? accountId = record.Kind switch
        {
            RecordKind.Account => record.Id,
            RecordKind.Opportunity => await db.Opportunities.Where(o => o.Id == record.Id).Select(o => o.AccountId).FirstOrDefaultAsync(ct),
            _ => null, // a lead belongs to no account yet
        };
        notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim();
        if (notes is { Length: > MaxNotesLength })
            notes = notes[..MaxNotesLength];
        db.Activities.Add(new Activity
        {
            Type = type,
            Status = ActivityStatus.Completed,
            OwnerId = turn.Asker.UserId,
            AccountId = accountId,
            OpportunityId = record.Kind == RecordKind.Opportunity ? record.Id : null,
            LeadId = record.Kind == RecordKind.Lead ? record.Id : null,
            Subject = TypeName(type, turn) + " · " + record.Name,
            Notes = notes,
            CreatedAt = now,
            CompletedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await NudgeOutcomes.RecordAsync(db, turn.Asker.UserId, record.Kind == RecordKind.Opportunity ? record.Id : null, accountId,
            NudgeOutcome.ActedOn, now, ct);
        return turn.Confirmation($"Logged a {TypeName(type, turn)} on {record.Name}.", $"已在「{record.Name}」記錄一筆{TypeName(type, turn)}。");
    }

    public static string TypeName(ActivityType type, ChatTurn turn) => type switch
    {
        ActivityType.Call => turn.T("call", "通話"),
        ActivityType.Visit => turn.T("visit", "拜訪"),
        ActivityType.Meeting => turn.T("meeting", "會議"),
        ActivityType.Email => turn.T("e-mail", "郵件"),
        _ => turn.T("task", "任務"),
    };

    private static Dictionary<string, string> ButtonData(RecordRef record, ActivityType type, string? notes)
    {
        var data = RecordScope.IdData(record);
        data["type"] = type.ToString().ToLowerInvariant();
        if (notes is not null)
            data["notes"] = notes;
        return data;
    }
}
