using CrmBot.Core.Commands;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>Runs a report (typed, or the next page from <see cref="CardVerbs.Page"/>) and turns each outcome into a reply.</summary>
public sealed class ReportHandler(IReportRunner runner, NudgeStatsHandler nudgeStats) : ICommandHandler, ICardActionHandler
{
    public Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct) =>
        RunAsync(((ReportCommand)command).Request, turn, ct);

    public Task<Reply> HandleAsync(CardAction action, ChatTurn turn, CancellationToken ct) =>
        ReportRequestJson.TryDeserialize(action.Data.GetValueOrDefault("request")) is { } request
            ? RunAsync(request, turn, ct)
            : Task.FromResult(turn.Error("That page is no longer available. Please ask again.", "這一頁已無法取得，請重新詢問。"));

    public async Task<Reply> RunAsync(ReportRequest request, ChatTurn turn, CancellationToken ct)
    {
        // Nudge stats are no report of the runner's (they read the bot's own tables), but page and re-run like one,
        // whichever button carries the request.
        if (request.Kind == ReportKind.NudgeStats)
            return await nudgeStats.HandleAsync(new NudgeStatsCommand(request.Period) { Offset = request.Offset, Language = turn.Language },
                turn.Asker, turn.Context, ct);
        // The runner writes its text in the asker's language: the reply language of this turn.
        var outcome = await runner.RunAsync(request, turn.Asker with { Language = turn.Language }, ct);
        return outcome switch
        {
            ReportAnswered answered => new Reply
            {
                Kind = ReplyKind.Report,
                Language = turn.Language,
                Title = answered.Result.Title,
                Report = answered.Result,
                Visibility = answered.Result.HasPersonalRecords ? turn.PrivateInChannel : Visibility.Conversation,
            },
            ReportRefused refused => new Reply
            {
                Kind = ReplyKind.Refusal, Language = turn.Language, Title = turn.T("Not allowed", "無法查看"), Text = refused.Message,
                Visibility = turn.PrivateInChannel, // like every refusal: for the asker, not the channel
            },
            SubjectAmbiguous ambiguous => Choice(request, ambiguous, turn),
            PeriodNotStarted notStarted => turn.Error(notStarted.Text(chinese: false), notStarted.Text(chinese: true)),
            BreakdownNotShown breakdown => turn.Error(breakdown.Text(chinese: false), breakdown.Text(chinese: true)),
            SubjectNotAPerson => turn.Error("An action plan is for one person. Name a rep, as in `plan for <name>`, or ask `my plan`.",
                "行動計畫只針對一個人。請指定一位業務，例如「<姓名>的行動計畫」，或輸入「我的行動計畫」。"),
            SubjectNotFound { Kind: SubjectKind.Mention } => turn.Error(
                "I couldn't find the person you mentioned among the CRM's users.", "在 CRM 的使用者中找不到您提到的人。"),
            SubjectNotFound { Kind: SubjectKind.Team } notFound => turn.Error(
                $"I couldn't find a team called “{notFound.Name}”.", $"找不到名為「{notFound.Name}」的團隊。"),
            SubjectNotFound notFound => turn.Error(
                $"I couldn't find anyone called “{notFound.Name}”. Try their full name or e-mail.",
                $"找不到名為「{notFound.Name}」的人。請試試完整姓名或電子郵件。"),
            _ => turn.Error("I couldn't answer that.", "我無法回答這個問題。"),
        };
    }

    /// <summary>Several people or teams match the name: one button per candidate re-runs the same request with that exact subject.</summary>
    private static Reply Choice(ReportRequest request, SubjectAmbiguous ambiguous, ChatTurn turn) => new()
    {
        Kind = ReplyKind.Choice,
        Language = turn.Language,
        Title = turn.T("Which one did you mean?", "您指的是哪一位？"),
        Text = turn.T($"“{ambiguous.Name}” matches {ambiguous.Candidates.Count} names.", $"「{ambiguous.Name}」符合 {ambiguous.Candidates.Count} 個名稱。"),
        Buttons =
        [
            .. ambiguous.Candidates.Select(c => new ReplyButton(c.Name, CardVerbs.Run, new Dictionary<string, string>
            {
                [ReplyButtons.ReplyLanguage] = turn.Language,
                ["request"] = ReportRequestJson.Serialize(request with
                {
                    Subject = c.Kind == RecordKind.User ? SubjectSpec.User(c.Name) : SubjectSpec.Team(c.Name),
                    Offset = 0,
                }),
            })),
        ],
    };
}
