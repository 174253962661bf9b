using System.Collections.Concurrent;
using CrmBot.Core.Chat;

namespace CrmBot.Slack.Tests.Fakes;

/// <summary>Stands in for the real engine (not under test here): records each turn and answers with <see cref="Answer"/>.</summary>
public sealed class FakeChatEngine : IChatEngine
{
    public sealed record Turn(Asker Asker, ChatContext Context, string? Text, CardAction? Action);

    public ConcurrentQueue<Turn> Turns { get; } = new();

    /// <summary>When set, every turn waits for it: a report that takes as long as the test wants.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public Func<Turn, Reply> Answer { get; set; } = turn => new Reply
    {
        Kind = ReplyKind.Report,
        Language = turn.Asker.Language,
        Title = "Answer to " + (turn.Text ?? turn.Action!.Verb),
        Text = "Team North · as of 2017-09-30",
    };

    public Task<Reply> HandleTextAsync(Asker asker, ChatContext context, string text, CancellationToken ct) =>
        HandleAsync(new Turn(asker, context, text, null), ct);

    public Task<Reply> HandleActionAsync(Asker asker, ChatContext context, CardAction action, CancellationToken ct) =>
        HandleAsync(new Turn(asker, context, null, action), ct);

    private async Task<Reply> HandleAsync(Turn turn, CancellationToken ct)
    {
        if (Gate is { } gate) await gate.Task.WaitAsync(ct);
        Turns.Enqueue(turn);
        return Answer(turn);
    }
}
