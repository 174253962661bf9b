using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Authorization;

/// <summary>
/// The company the authorization matrix asks about, arranged once on a real SQLite database and copied for
/// every case (so a write in one case is never seen by another). North: manager Mia, reps Ann and Bob.
/// South: manager Sam, rep Cid. Ada is the admin. Every record a person owns carries that person's
/// distinctive word (Ann: Aardvark, Bob: Bumblebee, Cid: Cassowary, Mia: Marmoset), so a leak is a word
/// search over everything a reply carries.
/// </summary>
public sealed class AuthorizationOrg : IDisposable
{
    public static readonly DateTimeOffset Now = new(2017, 9, 30, 12, 0, 0, TimeSpan.Zero);

    public const string Ann = "Ann Able", Bob = "Bob Baker", Cid = "Cid Chen", Mia = "Mia Manager", Sam = "Sam Manager", Ada = "Ada Admin";

    /// <summary>Each owner's word, found in the name of every account, deal and lead they own.</summary>
    public static readonly IReadOnlyDictionary<string, string> WordOf = new Dictionary<string, string>
    {
        [Ann] = "Aardvark", [Bob] = "Bumblebee", [Cid] = "Cassowary", [Mia] = "Marmoset",
    };

    public static readonly IReadOnlyList<string> People = [Ann, Bob, Cid, Mia, Sam, Ada];

    private readonly TestDatabase _template = new();
    private readonly Dictionary<string, User> _users = [];

    /// <summary>Ids of each owner's records, for card actions: (owner, "deal" | "account") → id.</summary>
    public IReadOnlyDictionary<(string Owner, string Record), int> RecordIds { get; }

    public AuthorizationOrg()
    {
        using var crm = new CrmBuilder(_template);
        var north = crm.Team("North");
        var south = crm.Team("South");
        _users[Mia] = crm.Manager(Mia, north);
        _users[Sam] = crm.Manager(Sam, south);
        _users[Ann] = crm.Rep(Ann, north, quarterlyQuota: 10_000);
        _users[Bob] = crm.Rep(Bob, north, quarterlyQuota: 10_000);
        _users[Cid] = crm.Rep(Cid, south, quarterlyQuota: 10_000);
        _users[Ada] = crm.Admin(Ada);
        var ids = new Dictionary<(string, string), int>();
        foreach (var (owner, word) in WordOf)
        {
            var user = _users[owner];
            var account = crm.Account($"{word} Holdings", user);
            // Untouched since January: stale, and its account neglected.
            var renewal = crm.Deal(user, OpportunityStage.Proposal, 2000, account: account, name: $"{word} Renewal",
                expectedClose: new DateOnly(2017, 9, 29), forecast: ForecastCategory.Commit);
            crm.Deal(user, OpportunityStage.Qualification, 3000, account: account, name: $"{word} Expansion",
                expectedClose: new DateOnly(2017, 12, 15));
            var won = crm.Won(user, 1000, CrmBuilder.Utc(2017, 9, 5), account: account);
            won.Name = $"{word} Big Win";
            var lost = crm.Lost(user, 500, CrmBuilder.Utc(2017, 9, 10), reason: "Price");
            lost.Name = $"{word} Lost Bid";
            lost.AccountId = account.Id;
            crm.Save();
            crm.Lead(user, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 20), name: $"{word} Lead");
            crm.Activity(user, ActivityType.Call, completed: CrmBuilder.Utc(2017, 9, 27), subject: $"{word} call");
            crm.Activity(user, ActivityType.Meeting, due: CrmBuilder.Utc(2017, 10, 2), deal: renewal, subject: $"{word} meeting");
            ids[(owner, "deal")] = renewal.Id;
            ids[(owner, "account")] = account.Id;
            NudgedAbout(crm, user, renewal);
        }
        RecordIds = ids;
        // Sam's team posts its leaderboard to the Slack channel: a North manager may not stop it, the admin may.
        using var db = _template.NewTrackingContext();
        db.ChannelSubscriptions.Add(new ChannelSubscription
        {
            Platform = ChatPlatform.Slack, Workspace = SlackWorkspace, ConversationId = SlackChannel, Report = "Leaderboard", TeamId = south.Id,
            Frequency = SubscriptionFrequency.Weekly, DayOfWeek = DayOfWeek.Friday, TimeOfDay = new TimeOnly(16, 0), TimeZone = "UTC",
            CreatedByUserId = _users[Sam].Id, CreatedAt = CrmBuilder.DefaultCreated,
        });
        db.SaveChanges();
    }

    public const string SlackWorkspace = "T1", SlackChannel = "C0SALES";

    /// <summary>Yesterday's nudge listed the deal, so `nudge stats` has a row per rep.</summary>
    private void NudgedAbout(CrmBuilder crm, User user, Opportunity deal)
    {
        using var db = _template.NewTrackingContext();
        var delivery = new Delivery
        {
            Key = $"nudge:{user.Id}:2017-09-29", Kind = DeliveryKind.Nudge, Platform = ChatPlatform.Teams, RecipientUserId = user.Id,
            LocalDate = new DateOnly(2017, 9, 29), Status = DeliveryStatus.Sent, CreatedAt = CrmBuilder.Utc(2017, 9, 29, 9),
        };
        delivery.Items.Add(new NudgeItem { UserId = user.Id, OpportunityId = deal.Id, Reason = "stale", NudgedAt = CrmBuilder.Utc(2017, 9, 29, 9) });
        db.Deliveries.Add(delivery);
        db.SaveChanges();
    }

    public User User(string name) => _users[name];

    public int Id(string name) => _users[name].Id;

    /// <summary>
    /// The people whose records (and names) <paramref name="asker"/> may see (design.md section 6): a rep
    /// themself (and their team's names on the team leaderboard), a manager their team, an admin everyone.
    /// </summary>
    public static IReadOnlyList<string> VisiblePeople(string asker) => asker switch
    {
        Ann => [Ann, Bob, Mia],
        Mia => [Ann, Bob, Mia],
        _ => People,
    };

    /// <summary>The owners whose records <paramref name="asker"/> may see listed.</summary>
    public static IReadOnlyList<string> RecordOwners(string asker) => asker switch
    {
        Ann => [Ann],
        Mia => [Ann, Bob, Mia],
        _ => People,
    };

    /// <summary>A copy of the company and the engine wired as the host wires it, with the real report runner.</summary>
    public AuthorizationCase NewCase() => new(_template.Copy(), this);

    public void Dispose() => _template.Dispose();
}

/// <summary>One matrix case: its own database copy, the real engine, the asker as the identity linker builds it.</summary>
public sealed class AuthorizationCase : IDisposable
{
    private readonly ServiceProvider _services;

    public AuthorizationCase(TestDatabase database, AuthorizationOrg org)
    {
        Database = database;
        Org = org;
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(AuthorizationOrg.Now));
        services.AddScoped(_ => database.NewContext());
        services.AddCrmReports(new ConfigurationBuilder().Build());
        services.AddChatEngine();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public TestDatabase Database { get; }
    public AuthorizationOrg Org { get; }

    public Asker Asker(string name)
    {
        using var crm = new CrmBuilder(Database);
        return crm.Asker(Org.User(name));
    }

    public async Task<Reply> SayAsync(Asker asker, ChatContext place, string text)
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IChatEngine>().HandleTextAsync(asker, place, text, CancellationToken.None);
    }

    public async Task<Reply> PressAsync(Asker asker, ChatContext place, CardAction action)
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IChatEngine>().HandleActionAsync(asker, place, action, CancellationToken.None);
    }

    public async Task<Asker?> LinkAsync(ChatContext place, string? email)
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IIdentityLinker>()
            .ResolveAsync(place.Platform, place.Workspace, place.PlatformUserId, null, _ => Task.FromResult(email), CancellationToken.None);
    }

    public void Dispose()
    {
        _services.Dispose();
        Database.Dispose();
    }
}
