using CrmBot.Core.Commands;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;

namespace CrmBot.Core.Chat;

/// <summary>
/// The buttons both renderers derive from a report: row actions, "show more" and follow-up
/// questions. Kept here so that Teams and Slack send the engine the same verbs and data.
/// </summary>
public static class ReplyButtons
{
    /// <summary>Link buttons open a URL in the client; the bot never receives this verb.</summary>
    public const string OpenUrlVerb = "openUrl";

    /// <summary>
    /// Button data: the language of the reply the button is on. Its answer keeps that language (a question asked in
    /// Chinese pages on in Chinese), whatever the user's setting.
    /// </summary>
    public const string ReplyLanguage = "replyLanguage";

    /// <summary>The language a button's answer (or form) is in: its reply's, else the user's setting.</summary>
    public static string LanguageOf(CardAction action, string settingLanguage) =>
        Formats.Normalize(action.Data.GetValueOrDefault(ReplyLanguage) ?? settingLanguage);

    /// <summary>The button for a row action, or null for "open in CRM" when no URL template is configured.</summary>
    public static ReplyButton? ForRowAction(RowAction action, RecordLinks links, string language)
    {
        var target = With(TargetOf(action.Record), (ReplyLanguage, language));
        var button = action.Kind switch
        {
            RowActionKind.LogCall => new ReplyButton(action.Label, CardVerbs.LogActivity, With(target, ("type", "call"))),
            RowActionKind.LogEmail => new ReplyButton(action.Label, CardVerbs.LogActivity, With(target, ("type", "email"))),
            // Without a length, "snooze until…": the form asks for the date.
            RowActionKind.Snooze => new ReplyButton(action.Label, CardVerbs.Snooze, action.Days is { } days
                ? With(target, ("days", days.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                : target),
            RowActionKind.OpenInCrm => links.UrlOf(action.Record) is { } url
                ? new ReplyButton(action.Label, OpenUrlVerb, new Dictionary<string, string>()) { Url = url }
                : null,
            _ => null,
        };
        return button is { Url: null } ? button with { Form = ActionForms.For(button.Verb, button.Data, language) } : button;
    }

    /// <summary>"Show more": runs the next-page request (the rows after the ones shown).</summary>
    public static ReplyButton ShowMore(ReportRequest nextPage, string language) =>
        new(Formats.For(language).IsChinese ? "顯示更多" : "Show more", CardVerbs.Page,
            new Dictionary<string, string> { ["request"] = ReportRequestJson.Serialize(nextPage), [ReplyLanguage] = language });

    public static ReplyButton ForSuggestion(SuggestedAction suggestion) =>
        new(suggestion.Label, CardVerbs.Run, new Dictionary<string, string> { ["command"] = suggestion.CommandText });

    /// <summary>"Showing 1–10 of 42", localised; what a paged list says so nothing is cut silently.</summary>
    public static string PageSummary(int offset, int shown, int total, string language)
    {
        var f = Formats.For(language);
        if (shown == 0 && offset > 0)   // an old page button: the list has shrunk since
            return total == 0
                ? f.IsChinese ? "這一頁沒有資料：清單現在是空的" : "No rows on this page: the list is now empty"
                : f.IsChinese ? $"這一頁沒有資料：共 {f.Count(total)} 筆，都在前面的頁面" : $"No rows on this page: all {f.Count(total)} rows are on earlier pages";
        var from = shown == 0 ? offset : offset + 1;
        return f.IsChinese
            ? $"顯示第 {f.Count(from)}–{f.Count(offset + shown)} 筆，共 {f.Count(total)} 筆"
            : $"Showing {f.Count(from)}–{f.Count(offset + shown)} of {f.Count(total)}";
    }

    private static Dictionary<string, string> With(Dictionary<string, string> target, (string Key, string Value) extra)
    {
        target[extra.Key] = extra.Value;
        return target;
    }

    private static Dictionary<string, string> TargetOf(RecordRef record) => new()
    {
        [record.Kind switch { RecordKind.Account => "accountId", RecordKind.Lead => "leadId", _ => "opportunityId" }] =
            record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
