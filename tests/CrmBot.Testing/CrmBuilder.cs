using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Core.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Testing;

/// <summary>
/// Fluent helpers to arrange a small CRM in a <see cref="TestDatabase"/>: every call saves at once and returns the
/// entity with its id. Times are UTC; amounts are in whole currency units. Defaults are dull on purpose (created
/// 2017-01-01, last modified at creation, USD) so that a test states only what it is about.
/// </summary>
public sealed class CrmBuilder(TestDatabase database) : IDisposable
{
    public static readonly DateTime DefaultCreated = new(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly CrmDbContext _db = database.NewTrackingContext();

    public TestDatabase Database => database;

    public Team Team(string name, string? region = null) => Add(new Team { Name = name, Region = region });

    public User User(string name, UserRole role, Team? team = null, string timeZone = "UTC", string language = "en",
        decimal quarterlyQuota = 0, string currency = "USD")
    {
        var user = Add(new User
        {
            Name = name, Email = name.ToLowerInvariant().Replace(' ', '.') + "@example.com", Role = role, TeamId = team?.Id,
            TimeZone = timeZone, Language = language, QuarterlyQuotaCents = Cents(quarterlyQuota), Currency = currency,
        });
        return user;
    }

    public User Rep(string name, Team? team = null, string timeZone = "UTC", decimal quarterlyQuota = 0) =>
        User(name, UserRole.Rep, team, timeZone, quarterlyQuota: quarterlyQuota);

    /// <summary>A manager who manages <paramref name="team"/> (and is a member of it).</summary>
    public User Manager(string name, Team team, string timeZone = "UTC")
    {
        var manager = User(name, UserRole.Manager, team, timeZone);
        team.ManagerId = manager.Id;
        _db.SaveChanges();
        return manager;
    }

    public User Admin(string name) => User(name, UserRole.Admin);

    public Partner Partner(string name) => Add(new Partner { Name = name });

    public Account Account(string name, User? owner = null, Partner? partner = null, DateTime? created = null) =>
        Add(new Account { Name = name, OwnerId = owner?.Id, PartnerId = partner?.Id, CreatedAt = created ?? DefaultCreated });

    public Opportunity Deal(User owner, OpportunityStage stage = OpportunityStage.Prospecting, decimal? amount = 1000,
        DateTime? closed = null, Account? account = null, DateTime? created = null, DateTime? modified = null,
        int probability = 50, ForecastCategory forecast = ForecastCategory.Pipeline, DateOnly? expectedClose = null,
        string currency = "USD", OpportunityType type = OpportunityType.NewBusiness, string? lossReason = null,
        BantFlags bant = BantFlags.None, Partner? partner = null, string? name = null)
    {
        var createdAt = created ?? DefaultCreated;
        return Add(new Opportunity
        {
            Name = name ?? $"Deal {Guid.NewGuid().ToString("N")[..6]}", OwnerId = owner.Id, Stage = stage,
            AmountCents = amount is null ? null : Cents(amount.Value), ClosedAt = closed, AccountId = account?.Id,
            CreatedAt = createdAt, LastModifiedAt = modified ?? closed ?? createdAt, Probability = probability,
            ForecastCategory = forecast, ExpectedCloseDate = expectedClose, Currency = currency, Type = type,
            LossReason = lossReason, BantFlags = bant, PartnerId = partner?.Id,
        });
    }

    public Opportunity Won(User owner, decimal amount, DateTime closed, string currency = "USD", Account? account = null,
        OpportunityType type = OpportunityType.NewBusiness, Partner? partner = null) =>
        Deal(owner, OpportunityStage.ClosedWon, amount, closed, account, currency: currency, type: type, partner: partner, probability: 100);

    public Opportunity Lost(User owner, decimal amount, DateTime closed, string? reason = null, BantFlags bant = BantFlags.None,
        DateTime? created = null, string currency = "USD") =>
        Deal(owner, OpportunityStage.ClosedLost, amount, closed, created: created, lossReason: reason, bant: bant, currency: currency, probability: 0);

    public Activity Activity(User owner, ActivityType type = ActivityType.Call, DateTime? completed = null, DateTime? due = null,
        Opportunity? deal = null, Account? account = null, Lead? lead = null, ActivityStatus? status = null, string? subject = null) =>
        Add(new Activity
        {
            OwnerId = owner.Id, Type = type, Status = status ?? (completed is null ? ActivityStatus.Planned : ActivityStatus.Completed),
            CompletedAt = completed, DueAt = due, OpportunityId = deal?.Id, AccountId = account?.Id, LeadId = lead?.Id,
            CreatedAt = completed ?? due ?? DefaultCreated, Subject = subject,
        });

    public Lead Lead(User? owner, string source, string status, DateTime created, DateTime? converted = null, string? name = null) =>
        Add(new Lead
        {
            Name = name ?? $"Lead {Guid.NewGuid().ToString("N")[..6]}", OwnerId = owner?.Id, Source = source, Status = status,
            CreatedAt = created, ConvertedAt = converted,
        });

    public Product Product(string name, string family, decimal listPrice = 0) =>
        Add(new Product { Name = name, Family = family, ListPriceCents = Cents(listPrice) });

    public OpportunityLineItem LineItem(Opportunity deal, Product product, decimal unitPrice, int quantity = 1) =>
        Add(new OpportunityLineItem { OpportunityId = deal.Id, ProductId = product.Id, UnitPriceCents = Cents(unitPrice), Quantity = quantity });

    public Quota Quota(User user, int fiscalYear, int quarter, decimal amount, string currency = "USD") =>
        Add(new Quota { UserId = user.Id, FiscalYear = fiscalYear, FiscalQuarter = quarter, AmountCents = Cents(amount), Currency = currency });

    public OpportunityStageChange StageChange(Opportunity deal, OpportunityStage from, OpportunityStage to, DateTime at) =>
        Add(new OpportunityStageChange { OpportunityId = deal.Id, FromStage = from, ToStage = to, ChangedAt = at });

    public ChatIdentity ChatIdentity(User user, string platformUserId, ChatPlatform platform = ChatPlatform.Slack) =>
        Add(new ChatIdentity { UserId = user.Id, Platform = platform, Workspace = "T1", PlatformUserId = platformUserId, LinkedAt = DefaultCreated });

    /// <summary>The asker for a user, with the teams they manage, as the identity linker would build it.</summary>
    public Asker Asker(User user)
    {
        var managed = _db.Teams.AsNoTracking().Where(t => t.ManagerId == user.Id).Select(t => t.Id).ToList();
        return new Asker(user.Id, user.Name, user.Email, user.Role, user.TeamId, managed, user.TimeZone, user.Language, user.StaleThresholdDays);
    }

    /// <summary>A report runner on this database whose clock reads <paramref name="now"/>.</summary>
    public ReportRunner Runner(DateTimeOffset now, CrmDbContext? db = null, CrmOptions? options = null, NudgeOptions? nudges = null) =>
        new(db ?? database.NewContext(), new FakeTimeProvider(now), Options.Create(options ?? new CrmOptions()), Options.Create(nudges ?? new NudgeOptions()));

    /// <summary>Runs a report and returns its result, failing when it was not answered.</summary>
    public async Task<ReportResult> AnswerAsync(ReportRequest request, User asker, DateTimeOffset now, CrmOptions? options = null,
        NudgeOptions? nudges = null)
    {
        using var db = database.NewContext();
        var outcome = await Runner(now, db, options, nudges).RunAsync(request, Asker(asker), CancellationToken.None);
        return outcome is ReportAnswered answered
            ? answered.Result
            : throw new InvalidOperationException($"Expected an answer, got {outcome}.");
    }

    public async Task<ReportOutcome> RunAsync(ReportRequest request, User asker, DateTimeOffset now)
    {
        using var db = database.NewContext();
        return await Runner(now, db).RunAsync(request, Asker(asker), CancellationToken.None);
    }

    public static long Cents(decimal amount) => (long)Math.Round(amount * 100m);

    public static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    /// <summary>A local wall-clock time in an IANA zone, as the UTC instant stored in the CRM.</summary>
    public static DateTime Local(string zone, int year, int month, int day, int hour = 0, int minute = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified), TimeZoneInfo.FindSystemTimeZoneById(zone));

    public void Save() => _db.SaveChanges();

    public void Dispose() => _db.Dispose();

    private T Add<T>(T entity) where T : class
    {
        _db.Add(entity);
        _db.SaveChanges();
        return entity;
    }
}
