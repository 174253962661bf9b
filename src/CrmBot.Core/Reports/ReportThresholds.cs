namespace CrmBot.Core.Reports;

/// <summary>
/// The admin's defaults for "stale" and "neglected" (configuration section "Nudges": <c>StaleDays</c>,
/// <c>NeglectedDays</c>): the reports and the nudges read the same ones. A user's own stale threshold overrides
/// the first for their own deals; a number in the question overrides both.
/// </summary>
public sealed record ReportThresholds(int StaleDays = ReportThresholds.DefaultStaleDays, int NeglectedDays = ReportThresholds.DefaultNeglectedDays)
{
    public const int DefaultStaleDays = 14;
    public const int DefaultNeglectedDays = 30;

    public static readonly ReportThresholds Default = new();
}
