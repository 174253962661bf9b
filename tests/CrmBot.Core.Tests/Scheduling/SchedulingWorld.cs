using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Scheduling;

/// <summary>A CRM with reps, deals and accounts for the scheduling facts, built through a real context.</summary>
internal sealed class SchedulingWorld(Func<CrmDbContext> newContext, FakeTimeProvider clock)
{
    public FakeTimeProvider Clock { get; } = clock;
    public DateTime Now => Clock.GetUtcNow().UtcDateTime;

    public User Rep(string name, string timeZone, string language = "en", Action<User>? configure = null, ChatPlatform platform = ChatPlatform.Teams, int? teamId = null, UserRole role = UserRole.Rep)
    {
        using var db = newContext();
        var user = new User { Name = name, Email = $"{name.Replace(' ', '.').ToLowerInvariant()}@example.com", TimeZone = timeZone, Language = language, TeamId = teamId, Role = role };
        configure?.Invoke(user);
        db.Users.Add(user);
        db.SaveChanges();
        db.ChatIdentities.Add(new ChatIdentity { Platform = platform, Workspace = "w", PlatformUserId = $"u{user.Id}", UserId = user.Id, LinkedAt = Now });
        db.SaveChanges();
        return user;
    }

    public Team Team(string name, int? managerId = null)
    {
        using var db = newContext();
        var team = new Team { Name = name, ManagerId = managerId };
        db.Teams.Add(team);
        db.SaveChanges();
        return team;
    }

    /// <summary>An account; <paramref name="owner"/> null: none, as imports without account owners leave them.</summary>
    public Account Account(User? owner, string name, int createdDaysAgo = 400)
    {
        using var db = newContext();
        var a = new Account { Name = name, OwnerId = owner?.Id, CreatedAt = Now.AddDays(-createdDaysAgo) };
        db.Accounts.Add(a);
        db.SaveChanges();
        return a;
    }

    public Opportunity Deal(User owner, string name, int modifiedDaysAgo, Account? account = null, long amountCents = 100_000,
        OpportunityStage stage = OpportunityStage.Proposal, DateOnly? expectedClose = null, DateTime? closedAt = null)
    {
        using var db = newContext();
        var o = new Opportunity
        {
            Name = name, OwnerId = owner.Id, AccountId = account?.Id, Stage = stage, AmountCents = amountCents,
            CreatedAt = Now.AddDays(-modifiedDaysAgo - 30), LastModifiedAt = Now.AddDays(-modifiedDaysAgo),
            ExpectedCloseDate = expectedClose, ClosedAt = closedAt,
        };
        db.Opportunities.Add(o);
        db.SaveChanges();
        return o;
    }

    public void Activity(User owner, int daysAgo, Opportunity? deal = null, Account? account = null, ActivityStatus status = ActivityStatus.Completed)
    {
        using var db = newContext();
        db.Activities.Add(new Activity
        {
            Type = ActivityType.Call, Status = status, OwnerId = owner.Id, OpportunityId = deal?.Id, AccountId = account?.Id,
            CreatedAt = Now.AddDays(-daysAgo), CompletedAt = status == ActivityStatus.Completed ? Now.AddDays(-daysAgo) : null,
            DueAt = status == ActivityStatus.Planned ? Now.AddDays(daysAgo) : null,
        });
        db.SaveChanges();
    }

    public static Asker AskerOf(User u, IReadOnlyList<int>? managed = null) =>
        new(u.Id, u.Name, u.Email, u.Role, u.TeamId, managed ?? [], u.TimeZone, u.Language, u.StaleThresholdDays);

    public NudgeDispatcher Dispatcher(CrmDbContext db, NudgeOptions options, params IProactiveSender[] senders) =>
        new(db, new NudgePlanner(db, options), Outbox(db, options, senders), options, Clock);

    public DeliveryOutbox Outbox(CrmDbContext db, NudgeOptions options, params IProactiveSender[] senders) =>
        new(db, senders, options, Clock, NullLogger<DeliveryOutbox>.Instance);
}

/// <summary>A channel that records what it was asked to send, and answers from a script (Sent when the script is empty).</summary>
internal sealed class RecordingSender(ChatPlatform platform, TimeProvider clock) : IProactiveSender
{
    private readonly Queue<SendResult> _script = new();
    private readonly Lock _gate = new();

    public ChatPlatform Platform => platform;
    public List<(int UserId, Reply Reply, DateTime At)> ToUsers { get; } = [];
    public List<(ConversationRef Conversation, Reply Reply, DateTime At)> ToConversations { get; } = [];
    public int Calls { get; private set; }

    public RecordingSender Then(params SendResult[] results)
    {
        foreach (var r in results) _script.Enqueue(r);
        return this;
    }

    public Task<SendResult> SendToUserAsync(int userId, Reply reply, CancellationToken ct)
    {
        lock (_gate)
        {
            Calls++;
            if (_script.TryDequeue(out var scripted))
                return Task.FromResult(scripted);
            ToUsers.Add((userId, reply, clock.GetUtcNow().UtcDateTime));
            return Task.FromResult(SendResult.Ok());
        }
    }

    public Task<SendResult> SendToConversationAsync(ConversationRef conversation, Reply reply, CancellationToken ct)
    {
        lock (_gate)
        {
            Calls++;
            if (_script.TryDequeue(out var scripted))
                return Task.FromResult(scripted);
            ToConversations.Add((conversation, reply, clock.GetUtcNow().UtcDateTime));
            return Task.FromResult(SendResult.Ok());
        }
    }
}
