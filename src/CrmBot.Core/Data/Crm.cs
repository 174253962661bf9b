namespace CrmBot.Core.Data;

// The CRM schema of design.md section 3. Money is held in integer minor units (cents) with an ISO
// currency code: exact sums, and SQLite can sort and aggregate it natively (it has no decimal type).

public enum UserRole { Rep = 0, Manager = 1, Admin = 2 }

/// <summary>Open stages come before the closed ones: reports select open deals as Stage &lt; ClosedWon, a range an index can seek.</summary>
public enum OpportunityStage
{
    Prospecting = 0, Qualification = 1, NeedsAnalysis = 2, Proposal = 3, Negotiation = 4,
    ClosedWon = 5, ClosedLost = 6,
}

public enum OpportunityType { NewBusiness = 0, Upsell = 1, Renewal = 2 }

public enum ForecastCategory { Pipeline = 0, BestCase = 1, Commit = 2, Closed = 3, Omitted = 4 }

/// <summary>BANT criteria a deal failed on (lost-deal review): Budget, Authority, Need, Timeline.</summary>
[Flags]
public enum BantFlags { None = 0, Budget = 1, Authority = 2, Need = 4, Timeline = 8 }

public enum PartnerKind { Reseller = 0, Distributor = 1 }

public enum ActivityType { Call = 0, Visit = 1, Meeting = 2, Email = 3, Task = 4 }

public enum ActivityStatus { Planned = 0, Completed = 1, Cancelled = 2 }

/// <summary>Rows that came from an import carry where they came from, so a re-import updates instead of duplicating.</summary>
public interface IImported
{
    string? ExternalSource { get; set; }
    string? ExternalId { get; set; }
}

public sealed class Team : IImported
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Region { get; set; }
    public int? ManagerId { get; set; }
    public User? Manager { get; set; }
    public List<User> Members { get; set; } = [];
    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }
}

public sealed class User : IImported
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public UserRole Role { get; set; }
    public int? TeamId { get; set; }
    public Team? Team { get; set; }
    /// <summary>IANA time zone id, e.g. "Asia/Taipei".</summary>
    public string TimeZone { get; set; } = "UTC";
    /// <summary>"en" or "zh-TW".</summary>
    public string Language { get; set; } = "en";
    /// <summary>Default quarterly quota when no <see cref="Quota"/> row exists for a quarter.</summary>
    public long QuarterlyQuotaCents { get; set; }
    public string Currency { get; set; } = "USD";
    public bool IsActive { get; set; } = true;

    // Personal nudge settings (null = the admin's default).
    public TimeOnly? NudgeTime { get; set; }
    /// <summary>Bit per <see cref="DayOfWeek"/> (Sunday = bit 0); null = default working days.</summary>
    public int? WorkingDaysMask { get; set; }
    public TimeOnly? QuietHoursStart { get; set; }
    public TimeOnly? QuietHoursEnd { get; set; }
    public int? StaleThresholdDays { get; set; }
    public bool NudgesEnabled { get; set; } = true;
    /// <summary>Set when a channel refused to deliver to this user (blocked/uninstalled bot).</summary>
    public DateTime? UnreachableSince { get; set; }

    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }
}

/// <summary>A rep's quota for one fiscal quarter.</summary>
public sealed class Quota
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public User? User { get; set; }
    public int FiscalYear { get; set; }
    public int FiscalQuarter { get; set; }
    public long AmountCents { get; set; }
    public string Currency { get; set; } = "USD";
}

public sealed class Partner : IImported
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public PartnerKind Kind { get; set; }
    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }
}

public sealed class Account : IImported
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int? OwnerId { get; set; }
    public User? Owner { get; set; }
    public int? PartnerId { get; set; }
    public Partner? Partner { get; set; }
    public int? ParentAccountId { get; set; }
    public string? Industry { get; set; }
    public string? Location { get; set; }
    public int? Employees { get; set; }
    /// <summary>Annual revenue in whole currency units, where known.</summary>
    public long? AnnualRevenue { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>
    /// Derived, maintained by <see cref="LastTouch"/>: the latest completed activity on the account or on any of its
    /// opportunities (null = never contacted). Stored so that "neglected customers" reads one column per account
    /// instead of searching a million activities.
    /// </summary>
    public DateTime? LastContactAt { get; set; }
    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }
}

public sealed class Contact : IImported
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public int? AccountId { get; set; }
    public Account? Account { get; set; }
    public int? OwnerId { get; set; }
    public string? LeadSource { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }
}

public sealed class Lead : IImported
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Company { get; set; }
    public string? Email { get; set; }
    public string? Industry { get; set; }
    public required string Source { get; set; }
    /// <summary>Status as the CRM names it (e.g. "Not Contacted", "Qualified", "Lost Lead").</summary>
    public required string Status { get; set; }
    public int? OwnerId { get; set; }
    public User? Owner { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ConvertedAt { get; set; }
    public int? ConvertedOpportunityId { get; set; }
    /// <summary>
    /// Derived, maintained by <see cref="LastTouch"/>: the latest completed activity on the lead (null = never worked).
    /// Stored so that "untouched open leads" reads one column per lead instead of searching the activities.
    /// </summary>
    public DateTime? LastTouchAt { get; set; }
    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }
}

public sealed class Product : IImported
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Family { get; set; }
    public long ListPriceCents { get; set; }
    public string Currency { get; set; } = "USD";
    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }
}

public sealed class Opportunity : IImported
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int? AccountId { get; set; }
    public Account? Account { get; set; }
    public int OwnerId { get; set; }
    public User? Owner { get; set; }
    public int? PartnerId { get; set; }
    public Partner? Partner { get; set; }
    public string? Source { get; set; }
    public OpportunityType Type { get; set; }
    public OpportunityStage Stage { get; set; }
    /// <summary>Null when the CRM holds no amount (e.g. Maven's open deals).</summary>
    public long? AmountCents { get; set; }
    public string Currency { get; set; } = "USD";
    /// <summary>0–100.</summary>
    public int Probability { get; set; }
    public ForecastCategory ForecastCategory { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateOnly? ExpectedCloseDate { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? LossReason { get; set; }
    public string? LossNotes { get; set; }
    public BantFlags BantFlags { get; set; }
    public string? NextStep { get; set; }
    public DateTime LastModifiedAt { get; set; }
    /// <summary>
    /// Derived, maintained by <see cref="LastTouch"/>: the later of <see cref="LastModifiedAt"/> and the latest
    /// completed activity linked to the opportunity or to its account (design.md section 4, stale deals).
    /// </summary>
    public DateTime LastTouchAt { get; set; }
    public List<OpportunityLineItem> LineItems { get; set; } = [];
    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }

    public bool IsClosed => Stage is OpportunityStage.ClosedWon or OpportunityStage.ClosedLost;
}

public sealed class OpportunityLineItem
{
    public int Id { get; set; }
    public int OpportunityId { get; set; }
    public int ProductId { get; set; }
    public Product? Product { get; set; }
    public int Quantity { get; set; } = 1;
    public long UnitPriceCents { get; set; }
}

/// <summary>Optional stage history: lets the lost-deal review name the last stage reached.</summary>
public sealed class OpportunityStageChange
{
    public int Id { get; set; }
    public int OpportunityId { get; set; }
    public OpportunityStage FromStage { get; set; }
    public OpportunityStage ToStage { get; set; }
    public DateTime ChangedAt { get; set; }
}

public sealed class Activity : IImported
{
    public int Id { get; set; }
    public ActivityType Type { get; set; }
    public ActivityStatus Status { get; set; }
    public int OwnerId { get; set; }
    public User? Owner { get; set; }
    public int? AccountId { get; set; }
    public Account? Account { get; set; }
    public int? OpportunityId { get; set; }
    public Opportunity? Opportunity { get; set; }
    public int? LeadId { get; set; }
    public int? ContactId { get; set; }
    public string? Subject { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DueAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? ExternalSource { get; set; }
    public string? ExternalId { get; set; }
}
