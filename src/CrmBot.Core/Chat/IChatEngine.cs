using CrmBot.Core.Data;

namespace CrmBot.Core.Chat;

/// <summary>The channel-neutral turn: a linked user's words or button press in, a reply out.</summary>
public interface IChatEngine
{
    Task<Reply> HandleTextAsync(Asker asker, ChatContext context, string text, CancellationToken ct);

    Task<Reply> HandleActionAsync(Asker asker, ChatContext context, CardAction action, CancellationToken ct);
}

/// <summary>Finds the CRM user behind a chat account, linking it by e-mail on first contact.</summary>
public interface IIdentityLinker
{
    /// <summary>
    /// The asker for this chat account, or null when no CRM user matches (they are told how to get linked).
    /// <paramref name="lookupEmail"/> is called only when the account is not linked yet (Teams members API,
    /// Slack users.info); <paramref name="aadObjectId"/> links Teams users without a lookup when known.
    /// </summary>
    Task<Asker?> ResolveAsync(ChatPlatform platform, string workspace, string platformUserId, string? aadObjectId,
        Func<CancellationToken, Task<string?>> lookupEmail, CancellationToken ct);
}
