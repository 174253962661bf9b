using CrmBot.Core.Data;

namespace CrmBot.Core.Commands;

/// <summary>
/// The words of the command language, as data. English phrases are matched word by word with typo
/// tolerance (<see cref="Fuzzy"/>); Chinese phrases are matched exactly as substrings (no spaces to
/// split on), longest first. Add a phrasing here and the parser understands it.
/// </summary>
internal static class Vocabulary
{
    public static readonly (string Phrase, ReportKind Kind)[] EnglishReports =
    [
        ("stale deals", ReportKind.StaleDeals), ("stale opportunities", ReportKind.StaleDeals), ("stale opps", ReportKind.StaleDeals),
        ("stuck deals", ReportKind.StaleDeals), ("stale", ReportKind.StaleDeals),
        ("neglected customers", ReportKind.NeglectedCustomers), ("neglected accounts", ReportKind.NeglectedCustomers),
        ("neglected clients", ReportKind.NeglectedCustomers), ("forgotten customers", ReportKind.NeglectedCustomers),
        ("neglected", ReportKind.NeglectedCustomers),
        ("leaderboard", ReportKind.Leaderboard), ("leader board", ReportKind.Leaderboard), ("ranking", ReportKind.Leaderboard),
        ("rankings", ReportKind.Leaderboard), ("top reps", ReportKind.Leaderboard), ("league table", ReportKind.Leaderboard),
        ("lost deals", ReportKind.LostDeals), ("lost opportunities", ReportKind.LostDeals), ("lost opps", ReportKind.LostDeals),
        ("deals lost", ReportKind.LostDeals), ("losses", ReportKind.LostDeals), ("lost", ReportKind.LostDeals),
        ("pipeline", ReportKind.Pipeline), ("pipe", ReportKind.Pipeline), ("open deals", ReportKind.Pipeline),
        ("leads", ReportKind.Leads), ("lead", ReportKind.Leads), ("lead sources", ReportKind.Leads),
        ("activity", ReportKind.Activity), ("activities", ReportKind.Activity),
        ("win rate", ReportKind.WinRate), ("winrate", ReportKind.WinRate), ("win ratio", ReportKind.WinRate),
        ("close rate", ReportKind.WinRate), ("win %", ReportKind.WinRate),
        ("trends", ReportKind.Trends), ("trend", ReportKind.Trends), ("compare", ReportKind.Trends), ("comparison", ReportKind.Trends),
        ("forecast", ReportKind.Forecast), ("forecasts", ReportKind.Forecast),
        ("action plan", ReportKind.ActionPlan), ("plan", ReportKind.ActionPlan),
    ];

    public static readonly (string Phrase, ReportKind Kind)[] ChineseReports =
    [
        ("停滯商機", ReportKind.StaleDeals), ("停滯的商機", ReportKind.StaleDeals), ("停滯的機會", ReportKind.StaleDeals),
        ("停滯機會", ReportKind.StaleDeals), ("停滯的案子", ReportKind.StaleDeals), ("停滯", ReportKind.StaleDeals),
        ("被忽略的客戶", ReportKind.NeglectedCustomers), ("忽略的客戶", ReportKind.NeglectedCustomers), ("被冷落的客戶", ReportKind.NeglectedCustomers),
        ("久未聯繫的客戶", ReportKind.NeglectedCustomers), ("久未聯絡的客戶", ReportKind.NeglectedCustomers), ("冷落客戶", ReportKind.NeglectedCustomers),
        ("忽略客戶", ReportKind.NeglectedCustomers),
        ("排行榜", ReportKind.Leaderboard), ("排名", ReportKind.Leaderboard),
        ("失去的機會", ReportKind.LostDeals), ("失去的商機", ReportKind.LostDeals), ("丟失的商機", ReportKind.LostDeals),
        ("失敗的商機", ReportKind.LostDeals), ("輸掉的商機", ReportKind.LostDeals), ("丟單", ReportKind.LostDeals), ("輸單", ReportKind.LostDeals),
        ("失單", ReportKind.LostDeals),
        ("銷售管線", ReportKind.Pipeline), ("管線", ReportKind.Pipeline), ("銷售漏斗", ReportKind.Pipeline),
        ("潛在客戶", ReportKind.Leads), ("名單來源", ReportKind.Leads), ("商機來源", ReportKind.Leads), ("線索", ReportKind.Leads),
        ("活動量", ReportKind.Activity), ("活動", ReportKind.Activity),
        ("贏率", ReportKind.WinRate), ("勝率", ReportKind.WinRate), ("成交率", ReportKind.WinRate), ("贏單率", ReportKind.WinRate),
        ("趨勢", ReportKind.Trends), ("比較", ReportKind.Trends),
        ("業務預測", ReportKind.Forecast), ("銷售預測", ReportKind.Forecast), ("預測", ReportKind.Forecast),
        ("行動計畫", ReportKind.ActionPlan), ("行動計劃", ReportKind.ActionPlan), ("工作計畫", ReportKind.ActionPlan), ("計畫", ReportKind.ActionPlan),
        ("計劃", ReportKind.ActionPlan),
    ];

    /// <summary>Metrics of the trends report; naming one makes the message a trends question.</summary>
    public static readonly (string Phrase, TrendMetric Metric)[] EnglishMetrics =
    [
        ("won amount", TrendMetric.WonAmount), ("revenue", TrendMetric.WonAmount), ("bookings", TrendMetric.WonAmount),
        ("sales", TrendMetric.WonAmount), ("won count", TrendMetric.WonCount), ("won deals", TrendMetric.WonCount),
        ("deals won", TrendMetric.WonCount), ("wins", TrendMetric.WonCount),
    ];

    public static readonly (string Phrase, TrendMetric Metric)[] ChineseMetrics =
    [
        ("贏單金額", TrendMetric.WonAmount), ("成交金額", TrendMetric.WonAmount), ("營收", TrendMetric.WonAmount), ("業績", TrendMetric.WonAmount),
        ("贏單數", TrendMetric.WonCount), ("成交數", TrendMetric.WonCount), ("成交件數", TrendMetric.WonCount),
    ];

    /// <summary>The word after "by" / "per".</summary>
    public static readonly (string Phrase, Breakdown Breakdown)[] EnglishBreakdowns =
    [
        ("owner", Breakdown.Owner), ("rep", Breakdown.Owner), ("reps", Breakdown.Owner), ("person", Breakdown.Owner),
        ("salesperson", Breakdown.Owner), ("partner", Breakdown.Partner), ("partners", Breakdown.Partner),
        ("channel", Breakdown.Partner), ("reseller", Breakdown.Partner), ("stage", Breakdown.Stage),
        ("source", Breakdown.Source), ("sources", Breakdown.Source), ("status", Breakdown.Status),
        ("product family", Breakdown.ProductFamily), ("product", Breakdown.ProductFamily), ("family", Breakdown.ProductFamily),
        ("deal type", Breakdown.OpportunityType), ("opportunity type", Breakdown.OpportunityType), ("activity type", Breakdown.ActivityType),
        ("type", Breakdown.OpportunityType),
    ];

    public static readonly (string Phrase, Breakdown Breakdown)[] ChineseBreakdownWords =
    [
        ("負責人", Breakdown.Owner), ("業務員", Breakdown.Owner), ("業務", Breakdown.Owner), ("通路", Breakdown.Partner),
        ("合作夥伴", Breakdown.Partner), ("夥伴", Breakdown.Partner), ("經銷商", Breakdown.Partner), ("階段", Breakdown.Stage),
        ("來源", Breakdown.Source), ("狀態", Breakdown.Status), ("產品系列", Breakdown.ProductFamily), ("產品", Breakdown.ProductFamily),
        ("活動類型", Breakdown.ActivityType), ("類型", Breakdown.OpportunityType),
    ];

    /// <summary>Chinese words introducing a breakdown ("依通路", "按來源").</summary>
    public static readonly string[] ChineseBy = ["依照", "依", "按照", "按", "以"];

    public static readonly (string Phrase, SubjectSpec Subject)[] ChineseSubjects =
    [
        ("我的團隊", SubjectSpec.MyTeam), ("我們團隊", SubjectSpec.MyTeam), ("我們的團隊", SubjectSpec.MyTeam), ("本團隊", SubjectSpec.MyTeam),
        ("團隊", SubjectSpec.MyTeam), ("我們的", SubjectSpec.MyTeam), ("全公司", SubjectSpec.Everyone), ("所有團隊", SubjectSpec.Everyone),
        ("所有人", SubjectSpec.Everyone), ("大家", SubjectSpec.Everyone), ("我的", SubjectSpec.Me),
    ];

    /// <summary>Chinese politeness and verbs that carry no parameter ("請給我看…").</summary>
    public static readonly string[] ChineseFiller = ["請問", "請", "幫我看", "幫我查", "給我看", "給我", "顯示", "查詢", "看看", "列出", "一下", "報表", "報告", "嗎", "呢", "吧"];

    /// <summary>English words that carry no parameter.</summary>
    public static readonly HashSet<string> EnglishFiller =
    [
        "show", "me", "the", "a", "an", "what", "whats", "what's", "is", "are", "our", "please", "pls", "plz", "give", "list", "get",
        "report", "deals", "deal", "opportunities", "opps", "customers", "accounts", "in", "of", "on", "at", "how", "many", "my",
        "did", "we", "do", "i", "with", "and", "to", "hi", "hey", "hello", "can", "you", "could", "see", "view", "display", "all",
        "for", "us", "mine", "any", "how's", "hows", "thanks", "thank", "crmbot", "bot", "now", "current", "much", "have", "has",
        "by", "per", "it", "this", "that", "some",
    ];

    public static readonly (string Word, ActivityType Type)[] EnglishActivityTypes =
    [
        ("call", ActivityType.Call), ("phone call", ActivityType.Call), ("phone", ActivityType.Call), ("visit", ActivityType.Visit),
        ("meeting", ActivityType.Meeting), ("email", ActivityType.Email), ("e-mail", ActivityType.Email), ("mail", ActivityType.Email),
        ("task", ActivityType.Task),
    ];

    public static readonly (string Word, ActivityType Type)[] ChineseActivityTypes =
    [
        ("通話", ActivityType.Call), ("電話", ActivityType.Call), ("拜訪", ActivityType.Visit), ("會議", ActivityType.Meeting),
        ("開會", ActivityType.Meeting), ("電子郵件", ActivityType.Email), ("郵件", ActivityType.Email), ("email", ActivityType.Email),
        ("任務", ActivityType.Task),
    ];

    public static readonly (string Word, DayOfWeek Day)[] EnglishDays =
    [
        ("monday", DayOfWeek.Monday), ("mon", DayOfWeek.Monday), ("tuesday", DayOfWeek.Tuesday), ("tue", DayOfWeek.Tuesday),
        ("tues", DayOfWeek.Tuesday), ("wednesday", DayOfWeek.Wednesday), ("wed", DayOfWeek.Wednesday), ("thursday", DayOfWeek.Thursday),
        ("thu", DayOfWeek.Thursday), ("thurs", DayOfWeek.Thursday), ("friday", DayOfWeek.Friday), ("fri", DayOfWeek.Friday),
        ("saturday", DayOfWeek.Saturday), ("sat", DayOfWeek.Saturday), ("sunday", DayOfWeek.Sunday), ("sun", DayOfWeek.Sunday),
    ];

    /// <summary>週一…週日 / 星期一…星期日 / 禮拜一: the character after the prefix.</summary>
    public static readonly (char Char, DayOfWeek Day)[] ChineseDays =
    [
        ('一', DayOfWeek.Monday), ('二', DayOfWeek.Tuesday), ('三', DayOfWeek.Wednesday), ('四', DayOfWeek.Thursday),
        ('五', DayOfWeek.Friday), ('六', DayOfWeek.Saturday), ('日', DayOfWeek.Sunday), ('天', DayOfWeek.Sunday),
    ];

    /// <summary>Settings a user may change in chat: the words typed → the key of <see cref="SettingsCommand"/>.</summary>
    public static readonly (string Phrase, string Key)[] SettingKeys =
    [
        ("nudge time", SettingNames.NudgeTime), ("reminder time", SettingNames.NudgeTime), ("time", SettingNames.NudgeTime),
        ("working days", SettingNames.WorkingDays), ("work days", SettingNames.WorkingDays), ("workdays", SettingNames.WorkingDays),
        ("days", SettingNames.WorkingDays), ("language", SettingNames.Language), ("lang", SettingNames.Language),
        ("stale threshold", SettingNames.StaleThresholdDays), ("threshold", SettingNames.StaleThresholdDays),
        ("stale days", SettingNames.StaleThresholdDays), ("nudges", SettingNames.NudgesEnabled), ("nudge", SettingNames.NudgesEnabled),
        ("提醒時間", SettingNames.NudgeTime), ("時間", SettingNames.NudgeTime), ("工作日", SettingNames.WorkingDays),
        ("語言", SettingNames.Language), ("停滯天數", SettingNames.StaleThresholdDays), ("門檻", SettingNames.StaleThresholdDays),
        ("提醒", SettingNames.NudgesEnabled),
    ];
}

/// <summary>Keys of <see cref="SettingsCommand"/> and of the settings form's inputs.</summary>
public static class SettingNames
{
    public const string NudgeTime = "nudgeTime";
    public const string WorkingDays = "workingDays";
    public const string Language = "language";
    public const string StaleThresholdDays = "staleThresholdDays";
    public const string NudgesEnabled = "nudgesEnabled";

    public static readonly IReadOnlyList<string> All = [NudgeTime, WorkingDays, Language, StaleThresholdDays, NudgesEnabled];
}
