using CrmBot.Core.Data;

namespace CrmBot.Core.Commands;

// What the parser makes of a chat message: channel-neutral, serialisable, and compared by value
// (records) so that table-driven tests can state the exact command each phrasing must produce.

public enum ReportKind
{
    StaleDeals, NeglectedCustomers, Leaderboard, LostDeals, Pipeline, Leads, Activity, WinRate, Trends,
    Forecast, ActionPlan,
    /// <summary>Outcomes of nudges per rep (`nudge stats`): not a CRM report, answered by the scheduling handlers.</summary>
    NudgeStats,
}

public enum PeriodKind
{
    /// <summary>The report's own default (e.g. this quarter for the leaderboard, none for stale deals).</summary>
    Default,
    Today, ThisWeek, LastWeek, ThisMonth, LastMonth, ThisQuarter, LastQuarter, ThisYear, LastYear,
    Ytd, Qtd, Mtd,
    /// <summary>The last <see cref="PeriodSpec.Number"/> days, ending now.</summary>
    LastNDays,
    /// <summary>Calendar/fiscal year <see cref="PeriodSpec.Year"/>.</summary>
    Year,
    /// <summary>Month <see cref="PeriodSpec.Number"/> of <see cref="PeriodSpec.Year"/>.</summary>
    Month,
    /// <summary>Fiscal quarter <see cref="PeriodSpec.Number"/> of fiscal year <see cref="PeriodSpec.Year"/>.</summary>
    Quarter,
    /// <summary>From <see cref="PeriodSpec.From"/> until now.</summary>
    Since,
    /// <summary><see cref="PeriodSpec.From"/> to <see cref="PeriodSpec.To"/>, both dates included as typed.</summary>
    Range,
    AllTime,
    Yesterday, NextWeek, NextMonth, NextQuarter, NextYear,
    /// <summary>The last <see cref="PeriodSpec.Number"/> months, ending now.</summary>
    LastNMonths,
    /// <summary>Fiscal half <see cref="PeriodSpec.Number"/> (1 or 2) of fiscal year <see cref="PeriodSpec.Year"/> (this one when null).</summary>
    Half,
}

public sealed record PeriodSpec(PeriodKind Kind, int? Year = null, int? Number = null, DateOnly? From = null, DateOnly? To = null)
{
    public static readonly PeriodSpec Default = new(PeriodKind.Default);
    public static PeriodSpec Of(PeriodKind kind) => new(kind);
    public static PeriodSpec LastDays(int n) => new(PeriodKind.LastNDays, Number: n);
    public static PeriodSpec LastMonths(int n) => new(PeriodKind.LastNMonths, Number: n);
    public static PeriodSpec ForHalf(int? fiscalYear, int half) => new(PeriodKind.Half, fiscalYear, half);

    /// <summary>For a half without a year: years from this fiscal year ("last year's H1" is -1).</summary>
    public int RelativeYears { get; init; }
    public static PeriodSpec ForYear(int year) => new(PeriodKind.Year, year);
    public static PeriodSpec ForMonth(int year, int month) => new(PeriodKind.Month, year, month);
    public static PeriodSpec ForQuarter(int year, int quarter) => new(PeriodKind.Quarter, year, quarter);
    public static PeriodSpec SinceDate(DateOnly from) => new(PeriodKind.Since, From: from);
    public static PeriodSpec Between(DateOnly from, DateOnly toInclusive) => new(PeriodKind.Range, From: from, To: toInclusive);
}

public enum SubjectKind
{
    /// <summary>The asker's own records.</summary>
    Me,
    /// <summary>The asker's team (a manager: the teams they manage).</summary>
    MyTeam,
    /// <summary>A rep named in <see cref="SubjectSpec.Name"/> (full or partial name, or e-mail).</summary>
    User,
    /// <summary>A team named in <see cref="SubjectSpec.Name"/>.</summary>
    Team,
    /// <summary>A chat mention (Slack &lt;@U123&gt;, Teams &lt;at&gt;Name&lt;/at&gt;): <see cref="SubjectSpec.Name"/> holds the platform id or display name.</summary>
    Mention,
    /// <summary>Everything the asker may see (an admin: the whole company).</summary>
    Everyone,
}

public sealed record SubjectSpec(SubjectKind Kind, string? Name = null)
{
    public static readonly SubjectSpec Me = new(SubjectKind.Me);
    public static readonly SubjectSpec MyTeam = new(SubjectKind.MyTeam);
    public static readonly SubjectSpec Everyone = new(SubjectKind.Everyone);
    public static SubjectSpec User(string name) => new(SubjectKind.User, name);
    public static SubjectSpec Team(string name) => new(SubjectKind.Team, name);
    public static SubjectSpec Mention(string idOrName) => new(SubjectKind.Mention, idOrName);
}

public enum Breakdown { None, Owner, Partner, Stage, Source, Status, ProductFamily, OpportunityType, ActivityType }

public enum TrendComparison { Yoy, Mom, Qoq, Ytd, Qtd, Mtd }

public enum TrendMetric { WonCount, WonAmount, WinRate, WonAmountByProductFamily, WonAmountByType }

/// <summary>A request for one report, as typed ("lost deals 2017 Q3 for Team North").</summary>
public sealed record ReportRequest(ReportKind Kind)
{
    public PeriodSpec Period { get; init; } = PeriodSpec.Default;
    /// <summary>Default: the report's natural subject for the asker's role (see each report).</summary>
    public SubjectSpec? Subject { get; init; }
    /// <summary>"over 30 days": stale / neglected threshold.</summary>
    public int? ThresholdDays { get; init; }
    public Breakdown Breakdown { get; init; } = Breakdown.None;
    /// <summary>Trends (and "win rate ytd vs last year"): the baseline to compare with.</summary>
    public TrendComparison? Compare { get; init; }
    public TrendMetric? Metric { get; init; }
    /// <summary>Rows to skip: paging (the Next button, "stale deals page 2").</summary>
    public int Offset { get; init; }

    /// <summary>Rows on one page of a report's table.</summary>
    public const int PageSize = 10;
}

/// <summary>Everything a chat message can ask for. <see cref="Language"/> is the language the message was written in, when it tells.</summary>
public abstract record Command
{
    /// <summary>"en", "zh-TW", or null when the words do not tell (then the user's setting decides).</summary>
    public string? Language { get; init; }
}

public sealed record ReportCommand(ReportRequest Request) : Command;

public sealed record HelpCommand(string? Topic = null) : Command;

/// <summary>"log call with Acme: talked pricing". Target is an account or deal name as typed.</summary>
public sealed record LogActivityCommand(ActivityType Type, string Target, string? Notes) : Command;

/// <summary>"snooze Acme renewal 7 days because champion on holiday".</summary>
public sealed record SnoozeCommand(string Target, int? Days, DateOnly? Until, string? Reason) : Command;

/// <summary>"subscribe leaderboard weekly monday 9:00" (in a channel).</summary>
public sealed record SubscribeCommand(ReportKind Report, SubscriptionFrequency Frequency, DayOfWeek? Day, int? DayOfMonth, TimeOnly Time) : Command
{
    /// <summary>The team to post about; default: the asker's (managed) team.</summary>
    public SubjectSpec? Team { get; init; }
}

public sealed record UnsubscribeCommand(ReportKind? Report) : Command;

public sealed record ListSubscriptionsCommand : Command;

/// <summary>"settings" shows the form; "settings nudge time 8:30" changes one value.</summary>
public sealed record SettingsCommand(string? Key = null, string? Value = null) : Command;

public sealed record NudgeStatsCommand(PeriodSpec Period) : Command
{
    /// <summary>Reps to skip: the "show more" button of the table.</summary>
    public int Offset { get; init; }
}

/// <summary>What kind of value in a report question could not be used: a threshold in days, a period, the N of "last N days" or "last N months", a page, or a second period.</summary>
public enum UnusableValue { Days, Period, LastDays, Page, SecondPeriod, SnoozeLength, LastMonths }

/// <summary>
/// A report question with a value it cannot use ("over 9999 days", "2026-02-30", "Q5 2026"): the asker is told, rather
/// than answered for the default as if they had not typed it. <see cref="Text"/> is the value as typed.
/// </summary>
public sealed record UnusableValueCommand(UnusableValue Kind, string Text) : Command
{
    /// <summary>Whom the question was about, as typed: a Chinese name in an English question does not make the reply Chinese.</summary>
    public string? SubjectName { get; init; }

    /// <summary>The report asked for, when one was: the answer's example is then that report's.</summary>
    public ReportKind? Report { get; init; }

    /// <summary>The most days a question may ask for ("over N days", "last N days"): ten years.</summary>
    public const int MaxDays = 3650;

    /// <summary>The most months "last N months" may go back: ten years, as for days.</summary>
    public const int MaxMonths = 120;

    /// <summary>The longest snooze in days: a year, a leap year included.</summary>
    public const int MaxSnoozeDays = 366;

    /// <summary>The highest page a question may ask for: far beyond any report's rows, and a plain limit to state.</summary>
    public const int MaxPage = 100_000;
}

/// <summary>Words the parser could not place; the reply is help with these closest commands ("did you mean").</summary>
public sealed record UnknownCommand(string Text, IReadOnlyList<string> Suggestions) : Command;
