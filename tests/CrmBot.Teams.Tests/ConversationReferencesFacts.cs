using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Teams.Tests;

// Every inbound activity passes through ConversationReferences.SaveAsync; most repeat what is stored, and those must
// not cost a database write each, while a change (or a stale "last used" time) must still be written.
public sealed class ConversationReferencesFacts : IDisposable
{
    private static readonly DateTime Now = new(2026, 11, 27, 9, 0, 0, DateTimeKind.Utc);
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static Activity Message(string serviceUrl) => new()
    {
        Type = "message", ChannelId = "msteams", ServiceUrl = serviceUrl,
        From = new ChannelAccount { Id = "29:ada" }, Recipient = new ChannelAccount { Id = "28:bot" },
        Conversation = new ConversationAccount { Id = "a:1", ConversationType = "personal" },
    };

    private async Task SaveAsync(Activity activity, DateTime at)
    {
        await using var db = _db.NewContext();
        await ConversationReferences.SaveAsync(db, activity, crmUserId: null, at, CancellationToken.None);
    }

    private ConversationRef Stored()
    {
        using var db = _db.NewContext();
        return db.ConversationRefs.Single();
    }

    [Fact]
    public async Task ARepeatedActivity_IsNotWrittenAgain_UntilTheLastUsedTimeIsStale()
    {
        await SaveAsync(Message("https://smba.example/amer/"), Now);
        Assert.Equal(Now, Stored().UpdatedAt);

        await SaveAsync(Message("https://smba.example/amer/"), Now.AddMinutes(1));
        Assert.Equal(Now, Stored().UpdatedAt);

        var stale = Now + ConversationReferences.LastUsedResolution + TimeSpan.FromSeconds(1);
        await SaveAsync(Message("https://smba.example/amer/"), stale);
        Assert.Equal(stale, Stored().UpdatedAt);
    }

    [Fact]
    public async Task AChangedServiceUrl_IsWrittenAtOnce()
    {
        await SaveAsync(Message("https://smba.example/amer/"), Now);
        await SaveAsync(Message("https://smba.example/emea/"), Now.AddMinutes(1));

        var stored = Stored();
        Assert.Equal("https://smba.example/emea/", stored.ServiceUrl);
        Assert.Equal(Now.AddMinutes(1), stored.UpdatedAt);
    }
}
