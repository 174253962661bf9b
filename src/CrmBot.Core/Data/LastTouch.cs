using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace CrmBot.Core.Data;

/// <summary>
/// Keeps the derived columns <see cref="Opportunity.LastTouchAt"/>, <see cref="Account.LastContactAt"/> and
/// <see cref="Lead.LastTouchAt"/> right. They exist for speed (stale deals, neglected customers and untouched leads would
/// otherwise search a million activities per request), so they must never drift: <see cref="CrmDbContext"/> calls <see cref="Collect"/> and
/// <see cref="Changes.ApplyAsync"/> around every SaveChanges that adds, changes or deletes an activity or changes
/// what a deal's last touch depends on, in the same transaction. Rows written around EF (the demo generator's bulk
/// insert, a migration) call <see cref="RecomputeAllAsync"/>. Every update recomputes from the activities
/// (never "max of old and new"), so a deleted or cancelled activity moves the value back too.
/// </summary>
public static class LastTouch
{
    /// <summary>The records whose derived columns a pending save may change.</summary>
    public sealed class Changes
    {
        internal HashSet<int> OpportunityIds { get; } = [];
        internal HashSet<int> AccountIds { get; } = [];
        internal HashSet<int> LeadIds { get; } = [];
        internal List<EntityEntry<Opportunity>> AddedOpportunities { get; } = [];
        /// <summary>References to records added in the same save: their keys exist only after it.</summary>
        internal List<Action> ResolveAfterSave { get; } = [];

        public bool IsEmpty => OpportunityIds.Count == 0 && AccountIds.Count == 0 && LeadIds.Count == 0 && AddedOpportunities.Count == 0
            && ResolveAfterSave.Count == 0;

        /// <summary>Recomputes the affected rows; call after the save (new deals have their ids by then).</summary>
        public async Task ApplyAsync(CrmDbContext db, CancellationToken ct)
        {
            // The entry, not the entity: before the changes are accepted, a generated key lives only in the entry.
            foreach (var added in AddedOpportunities)
                OpportunityIds.Add(added.Property(o => o.Id).CurrentValue);
            foreach (var resolve in ResolveAfterSave)
                resolve();
            await RecomputeAsync(db, OpportunityIds.ToList(), AccountIds.ToList(), ct);
            if (LeadIds.Count > 0)
            {
                var leads = LeadIds.ToList();
                await UpdateLeads(db, db.Leads.Where(l => leads.Contains(l.Id)), ct);
            }
        }

        public void Apply(CrmDbContext db) => ApplyAsync(db, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>What the tracked changes touch: both the old and the new deal/account/lead of every changed activity.</summary>
    public static Changes Collect(ChangeTracker tracker)
    {
        var changes = new Changes();
        foreach (var entry in tracker.Entries<Activity>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
                continue;
            AddIds(changes, changes.OpportunityIds, entry.Property(a => a.OpportunityId));
            AddIds(changes, changes.AccountIds, entry.Property(a => a.AccountId));
            AddIds(changes, changes.LeadIds, entry.Property(a => a.LeadId));
        }
        foreach (var entry in tracker.Entries<Opportunity>())
        {
            if (entry.State == EntityState.Added)
                changes.AddedOpportunities.Add(entry);
            else if (entry.State == EntityState.Modified)
            {
                var account = entry.Property(o => o.AccountId);
                if (account.IsModified)
                    AddIds(changes, changes.AccountIds, account);
                if (account.IsModified || entry.Property(o => o.LastModifiedAt).IsModified || entry.Property(o => o.LastTouchAt).IsModified)
                    changes.OpportunityIds.Add(entry.Entity.Id);
            }
        }
        foreach (var entry in tracker.Entries<Account>())
            if (entry.State == EntityState.Modified && entry.Property(a => a.LastContactAt).IsModified)
                changes.AccountIds.Add(entry.Entity.Id);
        foreach (var entry in tracker.Entries<Lead>())
            if (entry.State == EntityState.Modified && entry.Property(l => l.LastTouchAt).IsModified)
                changes.LeadIds.Add(entry.Entity.Id);
        return changes;
    }

    /// <summary>
    /// Recomputes the deals and accounts named, plus what they imply: every deal of an account (an activity on the
    /// account touches its deals) and the account of every deal (an activity on a deal is contact with its account).
    /// </summary>
    public static async Task RecomputeAsync(CrmDbContext db, IReadOnlyCollection<int> opportunityIds, IReadOnlyCollection<int> accountIds,
        CancellationToken ct)
    {
        if (opportunityIds.Count == 0 && accountIds.Count == 0)
            return;
        var opportunities = opportunityIds.ToList();
        var accounts = accountIds.ToList();
        await UpdateOpportunities(db, db.Opportunities.Where(o => opportunities.Contains(o.Id)
            || (o.AccountId != null && accounts.Contains(o.AccountId.Value))), ct);
        await UpdateAccounts(db, db.Accounts.Where(a => accounts.Contains(a.Id)
            || db.Opportunities.Any(o => o.AccountId == a.Id && opportunities.Contains(o.Id))), ct);
    }

    /// <summary>Recomputes every row: after a bulk insert that bypassed EF, or to repair a database written by hand.</summary>
    public static async Task RecomputeAllAsync(CrmDbContext db, CancellationToken ct)
    {
        await UpdateOpportunities(db, db.Opportunities, ct);
        await UpdateAccounts(db, db.Accounts, ct);
        await UpdateLeads(db, db.Leads, ct);
    }

    // The definitions of design.md section 4 without a clock (every completed activity counts). Reports that run
    // "as of" a moment before a stored value fall back to the same search bounded by their clock.
    // Each part is an index seek taking only its latest row; MAX over a UNION ALL computes the value once.
    private static Task<int> UpdateOpportunities(CrmDbContext db, IQueryable<Opportunity> rows, CancellationToken ct)
    {
        var completed = db.Activities.Where(a => a.Status == ActivityStatus.Completed);
        return rows.ExecuteUpdateAsync(s => s.SetProperty(o => o.LastTouchAt, o =>
            completed.Where(a => a.OpportunityId == o.Id).OrderByDescending(a => a.CompletedAt).Select(a => a.CompletedAt).Take(1)
                .Concat(completed.Where(a => o.AccountId != null && a.AccountId == o.AccountId).OrderByDescending(a => a.CompletedAt).Select(a => a.CompletedAt).Take(1))
                .Concat(db.Opportunities.Where(self => self.Id == o.Id).Select(self => (DateTime?)self.LastModifiedAt))
                .Max()!.Value), ct);
    }

    private static Task<int> UpdateAccounts(CrmDbContext db, IQueryable<Account> rows, CancellationToken ct)
    {
        var completed = db.Activities.Where(a => a.Status == ActivityStatus.Completed);
        return rows.ExecuteUpdateAsync(s => s.SetProperty(a => a.LastContactAt, a =>
            // The deals' part is a plain join under MAX (deals by account, then activities by deal): with ORDER BY … LIMIT 1
            // SQLite prefers walking the (Status, CompletedAt) index over every activity to avoid a sort.
            completed.Where(c => c.AccountId == a.Id).Select(c => c.CompletedAt)
                .Concat(from o in db.Opportunities where o.AccountId == a.Id
                        from c in completed where c.OpportunityId == o.Id
                        select c.CompletedAt)
                .Max()), ct);
    }

    private static Task<int> UpdateLeads(CrmDbContext db, IQueryable<Lead> rows, CancellationToken ct)
    {
        var completed = db.Activities.Where(a => a.Status == ActivityStatus.Completed);
        return rows.ExecuteUpdateAsync(s => s.SetProperty(l => l.LastTouchAt, l =>
            completed.Where(a => a.LeadId == l.Id).Max(a => a.CompletedAt)), ct);
    }

    private static void AddIds<TEntity>(Changes changes, HashSet<int> ids, PropertyEntry<TEntity, int?> property) where TEntity : class
    {
        if (property.IsTemporary) // a record added in this save: read its key once the save has made it
            changes.ResolveAfterSave.Add(() => { if (property.CurrentValue is { } saved) ids.Add(saved); });
        else if (property.CurrentValue is { } current)
            ids.Add(current);
        if (property.EntityEntry.State != EntityState.Added && property.OriginalValue is { } original)
            ids.Add(original);
    }
}
