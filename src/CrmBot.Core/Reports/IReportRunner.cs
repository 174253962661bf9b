using CrmBot.Core.Chat;
using CrmBot.Core.Commands;

namespace CrmBot.Core.Reports;

/// <summary>Runs one report for one asker, with the permission rules of design.md section 6 applied in the query.</summary>
public interface IReportRunner
{
    Task<ReportOutcome> RunAsync(ReportRequest request, Asker asker, CancellationToken ct);
}

public abstract record ReportOutcome;

public sealed record ReportAnswered(ReportResult Result) : ReportOutcome;

/// <summary>Outside the asker's scope: the message (localised) names no data.</summary>
public sealed record ReportRefused(string Message) : ReportOutcome;

/// <summary>A period that starts after today ("since 2030-01-01"): nothing can be in it yet, and an empty answer would say so falsely.</summary>
public sealed record PeriodNotStarted(string Label) : ReportOutcome
{
    public string Text(bool chinese) => chinese
        ? $"「{Label}」在今天之後才開始，目前還沒有任何資料。請指定已經開始的期間，例如「本季失去的商機」。"
        : $"“{Label}” starts after today, so nothing is in it yet. Ask for a period that has begun, as in `lost deals this quarter`.";
}

/// <summary>
/// A breakdown the report does not show ("pipeline by source"): said so, with those it shows, rather than answered
/// without it as if it had been asked.
/// </summary>
public sealed record BreakdownNotShown(ReportKind Report, Breakdown Asked, IReadOnlyList<Breakdown> Shown) : ReportOutcome
{
    public string Text(bool chinese)
    {
        string Name(Breakdown b) => (b, chinese) switch
        {
            (Breakdown.Owner, false) => "owner", (Breakdown.Owner, true) => "負責人",
            (Breakdown.Partner, false) => "partner", (Breakdown.Partner, true) => "通路夥伴",
            (Breakdown.Stage, false) => "stage", (Breakdown.Stage, true) => "階段",
            (Breakdown.Source, false) => "source", (Breakdown.Source, true) => "來源",
            (Breakdown.Status, false) => "status", (Breakdown.Status, true) => "狀態",
            (Breakdown.ProductFamily, false) => "product family", (Breakdown.ProductFamily, true) => "產品系列",
            (Breakdown.OpportunityType, false) => "deal type", (Breakdown.OpportunityType, true) => "商機類型",
            (Breakdown.ActivityType, false) => "activity type", (Breakdown.ActivityType, true) => "活動類型",
            _ => b.ToString(),
        };
        static string Listed(List<string> names, string separator, string or) =>
            names.Count == 1 ? names[0] : string.Join(separator, names[..^1]) + or + names[^1];
        var names = Shown.Select(Name).ToList();
        // Trends compare a metric, not a breakdown: the won amount is the one compared by product family or type.
        if (Report == ReportKind.Trends && Asked is Breakdown.ProductFamily or Breakdown.OpportunityType)
            return chinese
                ? $"只有成交金額可以依{Name(Asked)}比較，例如「{(Asked == Breakdown.ProductFamily ? "依產品系列的成交金額年增比較" : "依類型的成交金額月增比較")}」。"
                : $"Only the won amount is compared by {Name(Asked)}, as in `won amount by {(Asked == Breakdown.ProductFamily ? "product family yoy" : "type mom")}`.";
        if (chinese)
            return names.Count == 0
                ? $"這個報表無法依{Name(Asked)}細分，也沒有其他細分方式。"
                : $"這個報表無法依{Name(Asked)}細分；可以依{Listed(names, "、", "或")}細分。";
        return names.Count == 0
            ? $"This report can't be broken down by {Name(Asked)}, nor by anything else."
            : $"This report can't be broken down by {Name(Asked)}; it can be broken down by {Listed(names, ", ", " or ")}.";
    }
}

/// <summary>The subject's name matched several people or teams: ask which one.</summary>
public sealed record SubjectAmbiguous(string Name, IReadOnlyList<RecordRef> Candidates) : ReportOutcome;

/// <summary>The report is about one person (an action plan) and the subject named a team or everyone.</summary>
public sealed record SubjectNotAPerson : ReportOutcome;

/// <summary>No one has that name (<see cref="SubjectKind.User"/>), no team (<see cref="SubjectKind.Team"/>), or no CRM user is the
/// person mentioned (<see cref="SubjectKind.Mention"/>: a Slack mention is a user id, not a name to echo).</summary>
public sealed record SubjectNotFound(string Name, SubjectKind Kind = SubjectKind.User) : ReportOutcome;
