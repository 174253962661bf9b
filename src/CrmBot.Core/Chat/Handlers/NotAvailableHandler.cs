using CrmBot.Core.Commands;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>Commands whose feature is not in this build yet (routed here only from <see cref="ChatRoutes"/>).</summary>
public sealed class NotAvailableHandler : ICommandHandler
{
    public Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct) =>
        Task.FromResult(turn.Error("That command is not available yet.", "這個指令尚未開放。"));
}
