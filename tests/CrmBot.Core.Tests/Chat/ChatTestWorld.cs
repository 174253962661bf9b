using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using CrmBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Core.Tests.Chat;

/// <summary>
/// A small CRM on a real SQLite database and the engine wired as the host wires it, with a fake report
/// runner (the reports are tested on their own): team North (manager Mia, rep Rex), team South (rep Ola).
/// </summary>
public sealed class ChatTestWorld : IDisposable
{
    public static readonly DateTimeOffset Now = new(2017, 9, 30, 10, 0, 0, TimeSpan.Zero);

    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; } = new(Now);
    public FakeReportRunner Runner { get; } = new();
    private readonly ServiceProvider _services;

    public int Mia, Rex, Ola, North, South, Acme, Globex, AcmeRenewal, AcmeUpsell, GlobexExpansion, AcmeLost;

    public ChatTestWorld(IDictionary<string, string?>? settings = null)
    {
        using (var db = Database.NewTrackingContext())
        {
            var north = new Team { Name = "North" };
            var south = new Team { Name = "South" };
            db.Teams.AddRange(north, south);
            db.SaveChanges();
            var mia = new User { Name = "Mia Manager", Email = "mia@example.com", Role = UserRole.Manager, TeamId = north.Id };
            var rex = new User { Name = "Rex Rep", Email = "rex@example.com", Role = UserRole.Rep, TeamId = north.Id, TimeZone = "Asia/Taipei" };
            var ola = new User { Name = "Ola Other", Email = "ola@example.com", Role = UserRole.Rep, TeamId = south.Id };
            db.Users.AddRange(mia, rex, ola);
            db.SaveChanges();
            north.ManagerId = mia.Id;
            var acme = new Account { Name = "Acme", OwnerId = rex.Id };
            var globex = new Account { Name = "Globex", OwnerId = ola.Id };
            db.Accounts.AddRange(acme, globex);
            db.SaveChanges();
            var renewal = new Opportunity { Name = "Acme renewal", AccountId = acme.Id, OwnerId = rex.Id, Stage = OpportunityStage.Proposal };
            var upsell = new Opportunity { Name = "Acme upsell", AccountId = acme.Id, OwnerId = rex.Id, Stage = OpportunityStage.Qualification };
            var lost = new Opportunity { Name = "Acme lost one", AccountId = acme.Id, OwnerId = rex.Id, Stage = OpportunityStage.ClosedLost };
            var expansion = new Opportunity { Name = "Globex expansion", AccountId = globex.Id, OwnerId = ola.Id, Stage = OpportunityStage.Proposal };
            db.Opportunities.AddRange(renewal, upsell, lost, expansion);
            db.SaveChanges();
            (Mia, Rex, Ola, North, South) = (mia.Id, rex.Id, ola.Id, north.Id, south.Id);
            (Acme, Globex, AcmeRenewal, AcmeUpsell, GlobexExpansion, AcmeLost) = (acme.Id, globex.Id, renewal.Id, upsell.Id, expansion.Id, lost.Id);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddScoped(_ => Database.NewContext());
        services.AddSingleton<IReportRunner>(Runner);
        services.AddOptions<NudgeOptions>().BindConfiguration(NudgeOptions.Section);   // the admin's defaults, as AddCrmReports binds them
        services.AddChatEngine();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public Asker RepRex(string language = "en") => new(Rex, "Rex Rep", "rex@example.com", UserRole.Rep, North, [], "Asia/Taipei", language, null);
    public Asker ManagerMia => new(Mia, "Mia Manager", "mia@example.com", UserRole.Manager, North, [North], "UTC", "en", null);

    public static ChatContext Dm => new(ChatPlatform.Slack, "T1", "D1", "U1", IsPersonal: true);
    public static ChatContext Channel => new(ChatPlatform.Slack, "T1", "C1", "U1", IsPersonal: false);

    public async Task<Reply> SayAsync(Asker asker, string text, ChatContext? context = null)
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IChatEngine>().HandleTextAsync(asker, context ?? Dm, text, CancellationToken.None);
    }

    public async Task<Reply> PressAsync(Asker asker, string verb, Dictionary<string, string> data, ChatContext? context = null)
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IChatEngine>()
            .HandleActionAsync(asker, context ?? Dm, new CardAction(verb, data), CancellationToken.None);
    }

    public void Dispose()
    {
        _services.Dispose();
        Database.Dispose();
    }
}

/// <summary>Answers every report with the outcome a test sets, and remembers what it was asked.</summary>
public sealed class FakeReportRunner : IReportRunner
{
    public ReportOutcome Outcome { get; set; } = Answer(personal: false);
    public List<(ReportRequest Request, Asker Asker)> Calls { get; } = [];

    public Task<ReportOutcome> RunAsync(ReportRequest request, Asker asker, CancellationToken ct)
    {
        Calls.Add((request, asker));
        return Task.FromResult(Outcome);
    }

    public static ReportAnswered Answer(bool personal) => new(new ReportResult
    {
        Kind = ReportKind.StaleDeals, Language = "en", Title = "Stale deals", Scope = "Rex Rep", AsOf = new DateOnly(2017, 9, 30),
        Context = "Rex Rep · as of 2017-09-30", HasPersonalRecords = personal,
    });
}
