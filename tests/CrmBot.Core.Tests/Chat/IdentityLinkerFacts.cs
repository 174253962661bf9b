using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Chat;

public sealed class IdentityLinkerFacts : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2017, 9, 30, 8, 0, 0, TimeSpan.Zero));
    private readonly int _managerId, _repId, _teamId;

    public IdentityLinkerFacts()
    {
        using var db = _database.NewTrackingContext();
        var team = new Team { Name = "North" };
        db.Teams.Add(team);
        db.SaveChanges();
        var manager = new User { Name = "Mia Manager", Email = "Mia.Manager@Example.com", Role = UserRole.Manager, TeamId = team.Id, Language = "zh-TW", TimeZone = "Asia/Taipei" };
        var rep = new User { Name = "Rex Rep", Email = "rex@example.com", TeamId = team.Id };
        db.Users.AddRange(manager, rep);
        db.SaveChanges();
        team.ManagerId = manager.Id;
        db.SaveChanges();
        (_managerId, _repId, _teamId) = (manager.Id, rep.Id, team.Id);
    }

    public void Dispose() => _database.Dispose();

    private async Task<Asker?> ResolveAsync(ChatPlatform platform, string userId, string? aad, Func<CancellationToken, Task<string?>> lookup)
    {
        await using var db = _database.NewContext();
        return await new IdentityLinker(db, _clock).ResolveAsync(platform, "T1", userId, aad, lookup, CancellationToken.None);
    }

    private static Task<string?> Email(string? email) => Task.FromResult(email);

    private static Task<string?> MustNotLookUp(CancellationToken _) => throw new InvalidOperationException("the e-mail lookup must not be called");

    [Fact]
    public async Task Resolve_LinksByEmailIgnoringCase_WhenTheChatUserIsNew()
    {
        var asker = await ResolveAsync(ChatPlatform.Slack, "U1", null, _ => Email("mia.manager@example.COM"));

        Assert.NotNull(asker);
        Assert.Equal(_managerId, asker.UserId);
        Assert.Equal(UserRole.Manager, asker.Role);
        Assert.Equal([_teamId], asker.ManagedTeamIds);
        Assert.Equal("zh-TW", asker.Language);
        Assert.Equal("Asia/Taipei", asker.TimeZone);
        using var db = _database.NewContext();
        var identity = await db.ChatIdentities.SingleAsync();
        Assert.Equal(("U1", _managerId, _clock.GetUtcNow().UtcDateTime), (identity.PlatformUserId, identity.UserId, identity.LinkedAt));
    }

    [Fact]
    public async Task Resolve_AnswersWithTheLink_WhenAnotherInstanceLinkedTheSameChatUserFirst()
    {
        // While this instance looks up the e-mail, another one links the same chat user: our insert then breaks
        // the unique index, and the answer is the link that won.
        async Task<string?> LookupWhileAnotherInstanceLinks(CancellationToken ct)
        {
            await using var other = _database.NewContext();
            other.ChatIdentities.Add(new ChatIdentity
            {
                Platform = ChatPlatform.Slack, Workspace = "T1", PlatformUserId = "U1", UserId = _repId, LinkedAt = _clock.GetUtcNow().UtcDateTime,
            });
            await other.SaveChangesAsync(ct);
            return "rex@example.com";
        }

        var asker = await ResolveAsync(ChatPlatform.Slack, "U1", null, LookupWhileAnotherInstanceLinks);

        Assert.Equal(_repId, asker?.UserId);
        using var check = _database.NewContext();
        Assert.Equal(1, await check.ChatIdentities.CountAsync());
    }

    [Fact]
    public async Task Resolve_Throws_WhenTheLinkCannotBeWritten_RatherThanSayNotLinked()
    {
        using (var db = _database.NewContext())
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER refuse BEFORE INSERT ON ChatIdentities BEGIN SELECT RAISE(ABORT, 'database is locked'); END;");

        await Assert.ThrowsAsync<DbUpdateException>(() => ResolveAsync(ChatPlatform.Slack, "U1", null, _ => Email("rex@example.com")));
    }

    [Fact]
    public async Task Resolve_Works_ThroughContextsOfDifferentModels()
    {
        // The identity read is a compiled query, which EF binds to one model. Each host (its own logger factory) gets
        // its own model, and a process may hold several hosts (tests, tools): each must still be answered, not refused.
        Assert.NotNull(await ResolveAsync(ChatPlatform.Slack, "U1", null, _ => Email("rex@example.com")));
        await using (var arrange = _database.NewTrackingContext())
        {
            arrange.Users.Single(u => u.Id == _repId).StaleThresholdDays = 21;
            await arrange.SaveChangesAsync();
        }
        await using var plain = _database.NewContext();
        using var loggerFactory = LoggerFactory.Create(_ => { });
        var options = new DbContextOptionsBuilder<SqliteCrmDbContext>();
        DatabaseSetup.ConfigureSqlite(options.UseLoggerFactory(loggerFactory), _database.ConnectionString);
        await using var otherHost = new SqliteCrmDbContext(options.Options);
        Assert.NotSame(plain.Model, otherHost.Model);

        foreach (var db in new[] { plain, otherHost, plain })
        {
            var asker = await new IdentityLinker(db, _clock).ResolveAsync(ChatPlatform.Slack, "T1", "U1", null, MustNotLookUp, CancellationToken.None);
            Assert.Equal((_repId, 21), (asker?.UserId, asker?.StaleThresholdDays));
        }
    }

    [Fact]
    public async Task Resolve_DoesNotLookUpAgain_WhenTheChatUserIsLinked()
    {
        await ResolveAsync(ChatPlatform.Slack, "U2", null, _ => Email("rex@example.com"));
        var again = await ResolveAsync(ChatPlatform.Slack, "U2", null, MustNotLookUp);

        Assert.Equal(_repId, again?.UserId);
        Assert.Empty(again!.ManagedTeamIds);
    }

    [Fact]
    public async Task Resolve_ReturnsNullWithoutLookingUp_WhenTheLinkedUserIsDeactivated()
    {
        await ResolveAsync(ChatPlatform.Slack, "U3", null, _ => Email("rex@example.com"));
        await using (var db = _database.NewContext())
            await db.Users.Where(u => u.Id == _repId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false));

        Assert.Null(await ResolveAsync(ChatPlatform.Slack, "U3", null, MustNotLookUp));
    }

    [Fact]
    public async Task Resolve_ClearsTheUnreachableMark_WhenAMarkedUserWritesAgain()
    {
        await ResolveAsync(ChatPlatform.Slack, "U4", null, _ => Email("mia.manager@example.com"));
        await using (var db = _database.NewContext())
            await db.Users.Where(u => u.Id == _managerId).ExecuteUpdateAsync(s => s.SetProperty(u => u.UnreachableSince, new DateTime(2017, 9, 1)));

        var asker = await ResolveAsync(ChatPlatform.Slack, "U4", null, MustNotLookUp);

        Assert.Equal([_teamId], asker!.ManagedTeamIds); // the same read brings the managed teams
        await using var after = _database.NewContext();
        Assert.Null((await after.Users.SingleAsync(u => u.Id == _managerId)).UnreachableSince);
    }

    [Fact]
    public async Task Resolve_LinksByAadObjectId_WhenTheSameTeamsUserWritesFromANewAccountId()
    {
        await ResolveAsync(ChatPlatform.Teams, "29:old", "aad-rex", _ => Email("rex@example.com"));
        var asker = await ResolveAsync(ChatPlatform.Teams, "29:new", "aad-rex", MustNotLookUp);

        Assert.Equal(_repId, asker?.UserId);
        using var db = _database.NewContext();
        Assert.Equal(2, await db.ChatIdentities.CountAsync(i => i.UserId == _repId));
    }

    [Fact]
    public async Task Resolve_ReturnsNullAndStoresNothing_WhenNoCrmUserHasTheEmail()
    {
        Assert.Null(await ResolveAsync(ChatPlatform.Slack, "U3", null, _ => Email("stranger@example.com")));
        Assert.Null(await ResolveAsync(ChatPlatform.Slack, "U4", null, _ => Email(null)));
        using var db = _database.NewContext();
        Assert.Equal(0, await db.ChatIdentities.CountAsync());
    }

    [Fact]
    public async Task Resolve_KeepsWorkspacesApart_WhenTheSameUserIdAppearsInAnotherWorkspace()
    {
        await ResolveAsync(ChatPlatform.Slack, "U5", null, _ => Email("rex@example.com"));
        using var db = _database.NewContext();
        var other = await new IdentityLinker(db, _clock).ResolveAsync(ChatPlatform.Slack, "T2", "U5", null, _ => Email(null), CancellationToken.None);
        Assert.Null(other);
    }
}
