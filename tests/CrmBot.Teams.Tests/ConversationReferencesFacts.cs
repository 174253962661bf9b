using System.Collections.Concurrent;
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

    private static Activity Message(string serviceUrl, string conversationId = "a:1") => new()
    {
        Type = "message", ChannelId = "msteams", ServiceUrl = serviceUrl,
        From = new ChannelAccount { Id = "29:ada" }, Recipient = new ChannelAccount { Id = "28:bot" },
        Conversation = new ConversationAccount { Id = conversationId, ConversationType = "personal", TenantId = "tenant-1" },
    };

    private async Task SaveAsync(Activity activity, DateTime at)
    {
        await using var db = _db.NewContext();
        await ConversationReferences.SaveAsync(db, activity, crmUserId: null, at, CancellationToken.None);
    }

    private ConversationRef Stored(string conversationId = "a:1")
    {
        using var db = _db.NewContext();
        return db.ConversationRefs.Single(r => r.ConversationId == conversationId);
    }

    // A bot installed in a chat gets conversationUpdate and the first message at once: both find no row. The unique index
    // would keep one, but EF logs the loser's failed insert as an error; within one instance they take turns instead.
    [Fact]
    public async Task ANewConversationsFirstActivitiesAtOnce_StoreOneRow_WithoutAFailedInsert()
    {
        var errors = new ConcurrentQueue<string>();
        foreach (var conversation in new[] { "a:1", "a:2", "a:3" })
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                await using var db = _db.NewContextCollectingErrors(errors);
                await ConversationReferences.SaveAsync(db, Message("https://smba.example/", conversation), crmUserId: null, Now, CancellationToken.None);
            })));

        Assert.Empty(errors);
        Assert.All(new[] { "a:1", "a:2", "a:3" }, c => Assert.Equal("https://smba.example/", Stored(c).ServiceUrl));
    }

    [Fact]
    public async Task ARepeatedActivity_IsNotWrittenAgain_UntilTheLastUsedTimeIsStale()
    {
        await SaveAsync(Message("https://smba.example/amer/"), Now);
        Assert.Equal(Now, Stored().UpdatedAt);

        await SaveAsync(Message("https://smba.example/amer/"), Now.AddMinutes(1));
        Assert.Equal(Now, Stored().UpdatedAt);

        var stale = Now + ConversationRef.LastUsedResolution + TimeSpan.FromSeconds(1);
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

    [Fact]
    public async Task AServiceUrlChangeSeenInOneConversation_MovesTheTenantsOtherConversations()
    {
        await SaveAsync(Message("https://smba.example/amer/", "a:1"), Now);
        await SaveAsync(Message("https://smba.example/amer/", "a:2"), Now);
        await SaveAsync(Message("https://smba.example/amer/", "a:1"), Now.AddMinutes(1)); // unchanged: nothing moves
        Assert.Equal("https://smba.example/amer/", Stored("a:2").ServiceUrl);

        await SaveAsync(Message("https://smba.example/emea/", "a:1"), Now.AddMinutes(2));

        Assert.Equal("https://smba.example/emea/", Stored("a:2").ServiceUrl);
    }

    // Activities are handled concurrently: an install (old serviceUrl) whose handling ends after a later message's
    // (new serviceUrl) moved the tenant must not move it back. EndpointFacts' install fact failed this way now and then.
    [Fact]
    public async Task AnEarlierActivityHandledLast_DoesNotMoveTheTenantBackToItsServiceUrl()
    {
        await SaveAsync(Message("https://smba.example/amer/", "a:1"), Now);
        await SaveAsync(Message("https://smba.example/emea/", "a:2"), Now.AddSeconds(1));
        Assert.Equal("https://smba.example/emea/", Stored("a:1").ServiceUrl);

        await SaveAsync(Message("https://smba.example/amer/", "a:3"), Now);   // arrived with a:1's install, written last

        Assert.Equal("https://smba.example/emea/", Stored("a:1").ServiceUrl);
        Assert.Equal("https://smba.example/emea/", Stored("a:2").ServiceUrl);
    }

    [Fact]
    public async Task AnEarlierActivityHandledLast_KeepsItsOwnConversationOnTheNewerServiceUrl()
    {
        await SaveAsync(Message("https://smba.example/emea/", "a:1"), Now.AddSeconds(1));

        await SaveAsync(Message("https://smba.example/amer/", "a:1"), Now);

        Assert.Equal("https://smba.example/emea/", Stored("a:1").ServiceUrl);
        Assert.Equal(Now.AddSeconds(1), Stored("a:1").UpdatedAt);
    }

    [Fact]
    public async Task ARefreshThatDidNotHappen_IsRepairedWhenTheConversationIsNextWritten()
    {
        await SaveAsync(Message("https://smba.example/amer/", "a:1"), Now);
        await SaveAsync(Message("https://smba.example/amer/", "a:2"), Now);
        // As if a:1 had stored the new serviceUrl and the tenant-wide refresh had then failed.
        await using (var db = _db.NewContext())
            await db.ConversationRefs.Where(r => r.ConversationId == "a:1")
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ServiceUrl, "https://smba.example/emea/"));

        await SaveAsync(Message("https://smba.example/emea/", "a:1"), Now.AddMinutes(1)); // nothing new: no write
        Assert.Equal("https://smba.example/amer/", Stored("a:2").ServiceUrl);

        await SaveAsync(Message("https://smba.example/emea/", "a:1"), Now + ConversationRef.LastUsedResolution + TimeSpan.FromMinutes(1));
        Assert.Equal("https://smba.example/emea/", Stored("a:2").ServiceUrl);
    }
}
