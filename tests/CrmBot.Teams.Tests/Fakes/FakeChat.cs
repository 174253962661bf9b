using System.Collections.Concurrent;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;

namespace CrmBot.Teams.Tests.Fakes;

/// <summary>A stand-in for the chat engine (not under test here): echoes what it was given, and records it.</summary>
public sealed class FakeChatEngine : IChatEngine
{
    public ConcurrentQueue<(Asker Asker, ChatContext Context, string? Text, CardAction? Action)> Calls { get; } = new();
    public TimeSpan Delay { get; set; }
    public Func<Reply, Reply> Shape { get; set; } = r => r;

    public async Task<Reply> HandleTextAsync(Asker asker, ChatContext context, string text, CancellationToken ct)
    {
        Calls.Enqueue((asker, context, text, null));
        await Task.Delay(Delay, ct);
        return Shape(new Reply { Kind = ReplyKind.Report, Language = asker.Language, Title = "Echo: " + text });
    }

    public async Task<Reply> HandleActionAsync(Asker asker, ChatContext context, CardAction action, CancellationToken ct)
    {
        Calls.Enqueue((asker, context, null, action));
        await Task.Delay(Delay, ct);
        var data = string.Join(",", action.Data.OrderBy(d => d.Key).Select(d => $"{d.Key}={d.Value}"));
        return Shape(new Reply { Kind = ReplyKind.Confirmation, Language = asker.Language, Title = $"Action: {action.Verb} {data}" });
    }
}

/// <summary>A stand-in for the identity linker: known chat ids, else an e-mail lookup against known CRM e-mails.</summary>
public sealed class FakeIdentityLinker : IIdentityLinker
{
    public Dictionary<string, Asker> ByPlatformUserId { get; } = new();
    public Dictionary<string, Asker> ByEmail { get; } = new(StringComparer.OrdinalIgnoreCase);
    public ConcurrentQueue<(string PlatformUserId, string? AadObjectId, string? LookedUpEmail)> Calls { get; } = new();

    public async Task<Asker?> ResolveAsync(ChatPlatform platform, string workspace, string platformUserId, string? aadObjectId,
        Func<CancellationToken, Task<string?>> lookupEmail, CancellationToken ct)
    {
        if (ByPlatformUserId.TryGetValue(platformUserId, out var known))
        {
            Calls.Enqueue((platformUserId, aadObjectId, null));
            return known;
        }
        var email = await lookupEmail(ct);
        Calls.Enqueue((platformUserId, aadObjectId, email));
        return email is not null && ByEmail.TryGetValue(email, out var byEmail) ? byEmail : null;
    }

    public static Asker Asker(int userId, string language = "en") =>
        new(userId, "Ada Lovelace", "ada@example.com", UserRole.Rep, null, [], "UTC", language, null);
}
