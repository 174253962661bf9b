using CrmBot.Core.Commands;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>
/// <see cref="CardVerbs.Run"/>: a button that runs a command — data["command"] is command text ("did you
/// mean" suggestions), or data["request"] a serialised <see cref="ReportRequest"/> ("which Darcel?").
/// </summary>
public sealed class RunActionHandler(ChatEngine engine, ReportHandler reports) : ICardActionHandler
{
    public Task<Reply> HandleAsync(CardAction action, ChatTurn turn, CancellationToken ct)
    {
        if (action.Data.TryGetValue("request", out var json))
            return ReportRequestJson.TryDeserialize(json) is { } request
                ? reports.RunAsync(request, turn, ct)
                : Task.FromResult(turn.Error("That button no longer works. Please ask again.", "這個按鈕已失效，請重新詢問。"));
        var text = action.Data.GetValueOrDefault("command") ?? "";
        var command = CommandParser.Parse(text);
        // A button keeps the language of the card it was on; the button's turn already holds its slot.
        return engine.AnswerCommandAsync(command with { Language = command.Language ?? turn.Language }, turn.Asker, turn.Context, ct);
    }
}
