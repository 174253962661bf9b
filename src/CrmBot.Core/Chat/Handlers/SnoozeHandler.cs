using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;

using CrmBot.Core.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>
/// "snooze Acme renewal 7 days because …" and the snooze button: no nudges about that deal or account
/// until then. Nothing is marked lost.
/// </summary>
public sealed class SnoozeHandler(CrmDbContext db, RecordScope scope, TimeProvider clock) : ICommandHandler, ICardActionHandler
{
    /// <summary>Without a length, a snooze lasts a week (the nudge's own "snooze 7 days" button).</summary>
    private const int DefaultDays = 7;

    /// <summary>Longest snooze: a year; longer is a deal to close, not to snooze.</summary>
    private const int MaxDays = 366;

    public async Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct)
    {
        var snooze = (SnoozeCommand)command;
        var (record, instead) = await scope.FindOneAsync(turn, snooze.Target, CardVerbs.Snooze, m => ButtonData(m, snooze), snooze.Reason, ct);
        return record is null ? instead! : await WriteAsync(record, snooze.Days, snooze.Until, snooze.Reason, turn, ct);
    }

    public async Task<Reply> HandleAsync(CardAction action, ChatTurn turn, CancellationToken ct)
    {
        int? days = int.TryParse(action.Data.GetValueOrDefault("days"), out var d) ? d : null;
        DateOnly? until = DateOnly.TryParseExact(action.Data.GetValueOrDefault("until"), "yyyy-MM-dd", out var u) ? u : null;
        var record = await scope.ResolveAsync(turn.Asker, action.Data, ct);
        if (record is null or { Kind: RecordKind.Lead }) // nudges are about deals and customers; leads are not snoozed
            return turn.Refusal("You can only snooze reminders about your own accounts and deals (or your team's).", "您只能延後自己（或所管理團隊）的客戶與商機提醒。");
        return await WriteAsync(record, days, until, action.Data.GetValueOrDefault("reason"), turn, ct);
    }

    private async Task<Reply> WriteAsync(RecordRef record, int? days, DateOnly? until, string? reason, ChatTurn turn, CancellationToken ct)
    {
        // A closed deal is never nudged: a snooze of it would only say something untrue (commands.md: open deals and accounts).
        if (record.Kind == RecordKind.Opportunity && await db.Opportunities.AnyAsync(o => o.Id == record.Id && o.Stage >= OpportunityStage.ClosedWon, ct))
            return turn.Error($"{record.Name} is closed, so it won't be nudged. You can snooze open deals and accounts.",
                $"「{record.Name}」已結案，不會再提醒。可以延後的是進行中的商機與客戶。");
        var now = clock.GetUtcNow();
        var zone = turn.TimeZone;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var untilDate = until ?? today.AddDays(days ?? DefaultDays);
        if (untilDate <= today || untilDate > today.AddDays(MaxDays))
            return turn.Error("A snooze must end between tomorrow and a year from now.", "延後的結束日必須在明天到一年之內。");

        // Until the start of that day in the asker's time zone, stored as UTC.
        var local = untilDate.ToDateTime(TimeOnly.MinValue);
        var untilUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
        db.Snoozes.Add(new Snooze
        {
            UserId = turn.Asker.UserId,
            OpportunityId = record.Kind == RecordKind.Opportunity ? record.Id : null,
            AccountId = record.Kind == RecordKind.Account ? record.Id : null,
            Until = untilUtc,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, 500)],
            CreatedAt = now.UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        await NudgeOutcomes.RecordAsync(db, turn.Asker.UserId, record.Kind == RecordKind.Opportunity ? record.Id : null,
            record.Kind == RecordKind.Account ? record.Id : null, NudgeOutcome.Snoozed, now.UtcDateTime, ct);
        var date = turn.Formats.Date(untilDate);
        return turn.Confirmation($"I won't remind you about {record.Name} until {date}.", $"在{date}之前不會再提醒您「{record.Name}」。");
    }

    private static Dictionary<string, string> ButtonData(RecordRef record, SnoozeCommand snooze)
    {
        var data = RecordScope.IdData(record);
        if (snooze.Until is { } until)
            data["until"] = until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        else
            data["days"] = (snooze.Days ?? DefaultDays).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (snooze.Reason is not null)
            data["reason"] = snooze.Reason;
        return data;
    }
}
