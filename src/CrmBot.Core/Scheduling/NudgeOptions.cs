using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// Configuration section "Nudges": the admin's defaults. A user's own settings (User.NudgeTime,
/// WorkingDaysMask, QuietHoursStart/End, StaleThresholdDays, NudgesEnabled) override them.
/// </summary>
public sealed class NudgeOptions : IValidatableObject
{
    public const string Section = "Nudges";

    /// <summary>Local time of day the daily DM goes out.</summary>
    public TimeOnly DefaultNudgeTime { get; set; } = new(9, 0);

    public DayOfWeek[] DefaultWorkingDays { get; set; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Local quiet hours (no DM); a range may cross midnight (20:00–07:00). Both null: none.</summary>
    public TimeOnly? QuietHoursStart { get; set; } = new(20, 0);
    public TimeOnly? QuietHoursEnd { get; set; } = new(7, 0);

    [Range(1, 365)] public int ReNudgeIntervalDays { get; set; } = 3;
    /// <summary>Also the reports' defaults (<see cref="Reports.ReportThresholds"/>).</summary>
    [Range(1, 3650)] public int StaleDays { get; set; } = Reports.ReportThresholds.DefaultStaleDays;
    [Range(1, 3650)] public int NeglectedDays { get; set; } = Reports.ReportThresholds.DefaultNeglectedDays;
    [Range(0, 365)] public int CloseWithinDays { get; set; } = 7;
    [Range(1, 50)] public int MaxItems { get; set; } = 10;

    /// <summary>A deal nudged this many times with nothing logged is listed to the manager.</summary>
    [Range(1, 100)] public int EscalationAfter { get; set; } = 3;

    /// <summary>Team names whose managers get the weekly escalation DM; "*" for every team; empty: off.</summary>
    public string[] EscalationTeams { get; set; } = [];

    /// <summary>The manager's local day for the weekly escalation DM (at their nudge time).</summary>
    public DayOfWeek EscalationDay { get; set; } = DayOfWeek.Monday;

    /// <summary>How long one instance owns a delivery it is sending before another may take it over.</summary>
    [Range(10, 3600)] public int LeaseSeconds { get; set; } = 120;

    /// <summary>Sends attempted per delivery before it is marked Failed.</summary>
    [Range(1, 50)] public int MaxAttempts { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (DefaultWorkingDays.Length == 0)
            yield return new ValidationResult("Nudges:DefaultWorkingDays needs at least one day.", [nameof(DefaultWorkingDays)]);
        if (QuietHoursStart.HasValue != QuietHoursEnd.HasValue)
            yield return new ValidationResult("Nudges:QuietHoursStart and QuietHoursEnd are set together.", [nameof(QuietHoursStart)]);
    }

    public bool EscalatesTeam(string teamName) =>
        EscalationTeams.Any(t => t == "*" || string.Equals(t, teamName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Bit per <see cref="DayOfWeek"/> (Sunday = bit 0), the encoding of User.WorkingDaysMask.</summary>
    public static int MaskOf(IEnumerable<DayOfWeek> days) => days.Aggregate(0, (mask, d) => mask | 1 << (int)d);
}

public static class NudgeOptionsSetup
{
    /// <summary>
    /// Binds section "Nudges", validated at start-up, once: the reports (their stale and neglected defaults) and the jobs
    /// both need it, and binding twice would add DefaultWorkingDays' days a second time.
    /// </summary>
    public static IServiceCollection AddNudgeOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(Bound)))
            return services;
        services.AddSingleton<Bound>();
        services.AddOptions<NudgeOptions>().Bind(configuration.GetSection(NudgeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    private sealed class Bound;
}
