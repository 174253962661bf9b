using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Data;

/// <summary>
/// The CRM database. Each provider has its own derived context so that each keeps its own
/// migrations (Data/Migrations/Sqlite, Data/Migrations/SqlServer); everything else uses this type.
/// </summary>
public class CrmDbContext : DbContext
{
    public CrmDbContext(DbContextOptions<CrmDbContext> options) : base(options) { }

    protected CrmDbContext(DbContextOptions options) : base(options) { }

    public DbSet<Team> Teams => Set<Team>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Quota> Quotas => Set<Quota>();
    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Opportunity> Opportunities => Set<Opportunity>();
    public DbSet<OpportunityLineItem> OpportunityLineItems => Set<OpportunityLineItem>();
    public DbSet<OpportunityStageChange> OpportunityStageChanges => Set<OpportunityStageChange>();
    public DbSet<Activity> Activities => Set<Activity>();

    public DbSet<ChatIdentity> ChatIdentities => Set<ChatIdentity>();
    public DbSet<ConversationRef> ConversationRefs => Set<ConversationRef>();
    public DbSet<ChannelSubscription> ChannelSubscriptions => Set<ChannelSubscription>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<NudgeItem> NudgeItems => Set<NudgeItem>();
    public DbSet<Snooze> Snoozes => Set<Snooze>();
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();
    public DbSet<BotSetting> BotSettings => Set<BotSetting>();

    // Every save that changes activities (or what a deal's last touch depends on) also recomputes the derived
    // last-touch columns of the records it touched, in the same transaction: see LastTouch.
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var touched = LastTouch.Collect(ChangeTracker);
        if (touched.IsEmpty)
            return base.SaveChanges(acceptAllChangesOnSuccess);
        if (Database.CurrentTransaction is not null)
        {
            var saved = base.SaveChanges(acceptAllChangesOnSuccess);
            touched.Apply(this);
            return saved;
        }
        return Database.CreateExecutionStrategy().Execute(() =>
        {
            using var transaction = Database.BeginTransaction();
            var saved = base.SaveChanges(acceptAllChangesOnSuccess: false);
            touched.Apply(this);
            transaction.Commit();
            if (acceptAllChangesOnSuccess)
                ChangeTracker.AcceptAllChanges();
            return saved;
        });
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var touched = LastTouch.Collect(ChangeTracker);
        if (touched.IsEmpty)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (Database.CurrentTransaction is not null)
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await touched.ApplyAsync(this, cancellationToken);
            return saved;
        }
        // The retrying execution strategy (SQL Server) requires a user transaction to run inside it, whole.
        return await Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await Database.BeginTransactionAsync(ct);
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
            await touched.ApplyAsync(this, ct);
            await transaction.CommitAsync(ct);
            if (acceptAllChangesOnSuccess)
                ChangeTracker.AcceptAllChanges();
            return saved;
        }, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Team>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Region).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
            e.HasOne(x => x.Manager).WithMany().HasForeignKey(x => x.ManagerId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Members).WithOne(x => x.Team).HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
            Imported(e);
        });
        b.Entity<User>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Email).HasMaxLength(320);
            e.Property(x => x.TimeZone).HasMaxLength(64);
            e.Property(x => x.Language).HasMaxLength(16);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.HasIndex(x => x.Email).IsUnique();
            e.HasIndex(x => x.Name);
            e.HasIndex(x => new { x.TeamId, x.Role });
            Imported(e);
        });
        b.Entity<Quota>(e =>
        {
            e.Property(x => x.Currency).HasMaxLength(3);
            e.HasIndex(x => new { x.UserId, x.FiscalYear, x.FiscalQuarter }).IsUnique();
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Partner>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
            Imported(e);
        });
        b.Entity<Account>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(300);
            e.Property(x => x.Industry).HasMaxLength(100);
            e.Property(x => x.Location).HasMaxLength(100);
            e.HasIndex(x => x.Name);
            e.HasIndex(x => new { x.OwnerId, x.CreatedAt });
            e.HasIndex(x => x.PartnerId);
            // Neglected customers: contacted before a cutoff, or never contacted (NULL) and created before it; with the
            // owner, a rep's or a team's scope is checked in the index too, not on each account's row.
            e.HasIndex(x => new { x.LastContactAt, x.CreatedAt, x.OwnerId });
            e.HasOne(x => x.Owner).WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Partner).WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.ParentAccountId).OnDelete(DeleteBehavior.Restrict);
            Imported(e);
        });
        b.Entity<Contact>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Email).HasMaxLength(320);
            e.Property(x => x.Phone).HasMaxLength(64);
            e.Property(x => x.LeadSource).HasMaxLength(100);
            e.HasIndex(x => x.AccountId);
            e.HasOne(x => x.Account).WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Restrict);
            Imported(e);
        });
        b.Entity<Lead>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Company).HasMaxLength(300);
            e.Property(x => x.Email).HasMaxLength(320);
            e.Property(x => x.Industry).HasMaxLength(100);
            e.Property(x => x.Source).HasMaxLength(100);
            e.Property(x => x.Status).HasMaxLength(100);
            e.HasIndex(x => new { x.OwnerId, x.CreatedAt });
            // Leads created in a period by source and status, converted or not, from the index alone.
            e.HasIndex(x => new { x.CreatedAt, x.Source, x.Status, x.ConvertedAt, x.ConvertedOpportunityId });
            // Also the foreign key's index. SQLite's statistics count each NULL as its own value, so the planner takes
            // "ConvertedOpportunityId IS NULL" (every open lead) for a one-row seek; with the owner next in the same
            // index, one rep's open leads are still a narrow seek.
            e.HasIndex(x => new { x.ConvertedOpportunityId, x.OwnerId, x.CreatedAt });
            // Open leads (not converted): their ages read this index alone, and the untouched ones (LastTouchAt NULL) are
            // a seek in creation order, so the newest untouched page stops after its rows.
            e.HasIndex(x => new { x.ConvertedOpportunityId, x.ConvertedAt, x.LastTouchAt, x.CreatedAt, x.Status });
            e.HasOne(x => x.Owner).WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Opportunity>().WithMany().HasForeignKey(x => x.ConvertedOpportunityId).OnDelete(DeleteBehavior.SetNull);
            Imported(e);
        });
        b.Entity<Product>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Family).HasMaxLength(100);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.HasIndex(x => x.Name).IsUnique();
            Imported(e);
        });
        b.Entity<Opportunity>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(300);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Source).HasMaxLength(100);
            e.Property(x => x.LossReason).HasMaxLength(200);
            e.Property(x => x.LossNotes).HasMaxLength(4000);
            e.Property(x => x.NextStep).HasMaxLength(1000);
            e.Ignore(x => x.IsClosed);
            // Report access paths: by owner and stage (pipeline, stale), by owner and close time
            // (won/lost in a period), by account (neglected customers), by expected close (forecast).
            e.HasIndex(x => new { x.OwnerId, x.Stage, x.ClosedAt });
            // Company-wide aggregates (win rate, leaderboard, trends, lost deals, pipeline) read only these indexes:
            // the columns they group and sum are in the index, so SQLite never visits the table rows.
            e.HasIndex(x => new { x.Stage, x.ClosedAt, x.OwnerId, x.Currency, x.AmountCents, x.Type });
            e.HasIndex(x => new { x.Stage, x.OwnerId, x.Currency, x.AmountCents, x.Probability });
            // Stale deals: per open stage, the range of stored last touches before the cutoff; covering, so counting,
            // totalling and ordering them never reads a deal's row.
            e.HasIndex(x => new { x.Stage, x.LastTouchAt, x.OwnerId, x.Currency, x.AmountCents });
            // Forecast: open deals expected to close in the quarter, per owner; covering, so the quarter's figures never read
            // a deal's row (company-wide, SQLite skip-scans it owner by owner).
            e.HasIndex(x => new { x.OwnerId, x.ExpectedCloseDate, x.Stage, x.Currency, x.AmountCents, x.ForecastCategory, x.Probability });
            // An account's deals; with the close time, "active account" (an open deal or one won lately) reads only this.
            e.HasIndex(x => new { x.AccountId, x.Stage, x.ClosedAt });
            e.HasIndex(x => new { x.PartnerId, x.Stage });
            e.HasOne(x => x.Account).WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Owner).WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Partner).WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.LineItems).WithOne().HasForeignKey(x => x.OpportunityId).OnDelete(DeleteBehavior.Cascade);
            Imported(e);
        });
        b.Entity<OpportunityLineItem>(e =>
        {
            e.HasIndex(x => x.OpportunityId);
            e.HasOne(x => x.Product).WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<OpportunityStageChange>(e =>
        {
            e.HasIndex(x => new { x.OpportunityId, x.ChangedAt });
            e.HasOne<Opportunity>().WithMany().HasForeignKey(x => x.OpportunityId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Activity>(e =>
        {
            e.Property(x => x.Subject).HasMaxLength(500);
            e.Property(x => x.Notes).HasMaxLength(4000);
            // Last touch per deal / per account, activity matrix per owner and period, plans per owner.
            e.HasIndex(x => new { x.OpportunityId, x.Status, x.CompletedAt });
            e.HasIndex(x => new { x.AccountId, x.Status, x.CompletedAt });
            // A lead's latest completed activity is one seek (without the time, SQLite may walk (Status, CompletedAt) instead).
            e.HasIndex(x => new { x.LeadId, x.Status, x.CompletedAt });
            e.HasIndex(x => new { x.OwnerId, x.Status, x.CompletedAt });
            e.HasIndex(x => new { x.OwnerId, x.Status, x.DueAt });
            // Activity matrix at company scope: completed activities in a period, counted by owner and type from the index.
            e.HasIndex(x => new { x.Status, x.CompletedAt, x.OwnerId, x.Type });
            e.HasOne(x => x.Owner).WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Account).WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Opportunity).WithMany().HasForeignKey(x => x.OpportunityId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Lead>().WithMany().HasForeignKey(x => x.LeadId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Contact>().WithMany().HasForeignKey(x => x.ContactId).OnDelete(DeleteBehavior.Restrict);
            Imported(e);
        });

        b.Entity<ChatIdentity>(e =>
        {
            e.Property(x => x.Workspace).HasMaxLength(100);
            e.Property(x => x.PlatformUserId).HasMaxLength(200);
            e.Property(x => x.AadObjectId).HasMaxLength(64);
            e.HasIndex(x => new { x.Platform, x.Workspace, x.PlatformUserId }).IsUnique();
            e.HasIndex(x => x.UserId);
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ConversationRef>(e =>
        {
            e.Property(x => x.Workspace).HasMaxLength(100);
            e.Property(x => x.ConversationId).HasMaxLength(300);
            e.Property(x => x.ConversationType).HasMaxLength(32);
            e.Property(x => x.ServiceUrl).HasMaxLength(500);
            e.Property(x => x.ChannelId).HasMaxLength(64);
            e.Property(x => x.BotId).HasMaxLength(200);
            e.Property(x => x.PlatformUserId).HasMaxLength(200);
            e.HasIndex(x => new { x.Platform, x.Workspace, x.ConversationId }).IsUnique();
            e.HasIndex(x => new { x.Platform, x.UserId });
        });
        b.Entity<ChannelSubscription>(e =>
        {
            e.Property(x => x.Workspace).HasMaxLength(100);
            e.Property(x => x.ConversationId).HasMaxLength(300);
            e.Property(x => x.Report).HasMaxLength(64);
            e.Property(x => x.TimeZone).HasMaxLength(64);
            e.Property(x => x.Language).HasMaxLength(16);
            e.HasIndex(x => new { x.Platform, x.ConversationId, x.Report });
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Delivery>(e =>
        {
            e.Property(x => x.Key).HasMaxLength(200);
            e.Property(x => x.LastError).HasMaxLength(2000);
            e.HasIndex(x => x.Key).IsUnique();
            e.HasIndex(x => new { x.Status, x.CreatedAt });
            e.HasMany(x => x.Items).WithOne().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<NudgeItem>(e =>
        {
            e.Property(x => x.Reason).HasMaxLength(32);
            e.HasIndex(x => new { x.UserId, x.OpportunityId, x.NudgedAt });
            e.HasIndex(x => new { x.UserId, x.AccountId, x.NudgedAt });
            // nudge stats: each rep's items of a period and their outcomes, from the index alone
            e.HasIndex(x => new { x.UserId, x.NudgedAt, x.Outcome });
        });
        b.Entity<Snooze>(e =>
        {
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasIndex(x => new { x.UserId, x.Until });
        });
        b.Entity<ProcessedEvent>(e =>
        {
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(200);
            e.HasIndex(x => x.ReceivedAt);
        });
        b.Entity<BotSetting>(e =>
        {
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(200);
            e.Property(x => x.Value).HasMaxLength(4000);
        });
    }

    private static void Imported<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e)
        where T : class, IImported
    {
        e.Property(x => x.ExternalSource).HasMaxLength(32);
        e.Property(x => x.ExternalId).HasMaxLength(100);
        e.HasIndex(x => new { x.ExternalSource, x.ExternalId });
    }
}

public sealed class SqliteCrmDbContext(DbContextOptions<SqliteCrmDbContext> options) : CrmDbContext(options);

public sealed class SqlServerCrmDbContext(DbContextOptions<SqlServerCrmDbContext> options) : CrmDbContext(options);
