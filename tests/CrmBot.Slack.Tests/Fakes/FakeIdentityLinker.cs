using System.Collections.Concurrent;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;

namespace CrmBot.Slack.Tests.Fakes;

/// <summary>Stands in for the real linker: CRM users by e-mail, linked on first contact through the channel's lookup.</summary>
public sealed class FakeIdentityLinker : IIdentityLinker
{
    private readonly ConcurrentDictionary<string, Asker> _linked = new();

    public Dictionary<string, Asker> CrmUsersByEmail { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task<Asker?> ResolveAsync(ChatPlatform platform, string workspace, string platformUserId, string? aadObjectId,
        Func<CancellationToken, Task<string?>> lookupEmail, CancellationToken ct)
    {
        if (_linked.TryGetValue(platformUserId, out var known)) return known;
        var email = await lookupEmail(ct);
        if (email is null || !CrmUsersByEmail.TryGetValue(email, out var asker)) return null;
        _linked[platformUserId] = asker;
        return asker;
    }

    public static Asker Rep(int id, string name, string email, string language = "en") =>
        new(id, name, email, UserRole.Rep, TeamId: 1, ManagedTeamIds: [], TimeZone: "UTC", Language: language, StaleThresholdDays: null);
}
