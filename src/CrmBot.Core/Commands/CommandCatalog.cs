using CrmBot.Core.Data;

namespace CrmBot.Core.Commands;

/// <summary>
/// One command as help explains it: its topic (for `help &lt;topic&gt;`), who may run it, and examples in both languages.
/// The examples work for anyone who may run the command; <see cref="ManagerExamplesEn"/> ask about others (a team, another
/// person) and are shown to managers and admins only, since a rep asking them is refused.
/// </summary>
public sealed record CommandTopic(
    string Topic, UserRole MinimumRole, string NameEn, string NameZh, string DescriptionEn, string DescriptionZh,
    IReadOnlyList<string> ExamplesEn, IReadOnlyList<string> ExamplesZh, IReadOnlyList<string> Keywords)
{
    public IReadOnlyList<string> ManagerExamplesEn { get; init; } = [];
    public IReadOnlyList<string> ManagerExamplesZh { get; init; } = [];

    public string Name(bool chinese) => chinese ? NameZh : NameEn;
    public string Description(bool chinese) => chinese ? DescriptionZh : DescriptionEn;
    public IReadOnlyList<string> Examples(bool chinese) => chinese ? ExamplesZh : ExamplesEn;

    /// <summary>The examples help shows <paramref name="role"/>.</summary>
    public IReadOnlyList<string> Examples(bool chinese, UserRole role) =>
        role >= UserRole.Manager ? [.. Examples(chinese), .. chinese ? ManagerExamplesZh : ManagerExamplesEn] : Examples(chinese);

    /// <summary>Every example in both languages, for every role.</summary>
    public IEnumerable<string> AllExamples => [.. ExamplesEn, .. ExamplesZh, .. ManagerExamplesEn, .. ManagerExamplesZh];
}

/// <summary>The commands help lists and "did you mean" suggests, in the order help shows them.</summary>
public static class CommandCatalog
{
    public static readonly IReadOnlyList<CommandTopic> Topics =
    [
        new("stale", UserRole.Rep, "Stale deals", "停滯商機", "Open deals with no contact for more than N days (default 14).", "超過 N 天（預設 14 天）沒有聯繫的進行中商機。",
            ["my stale deals", "stale deals over 30 days"], ["我的停滯商機", "停滯商機超過30天"], ["stale", "stuck", "停滯"])
        { ManagerExamplesEn = ["team stale deals", "stale deals for @someone"], ManagerExamplesZh = ["團隊停滯商機"] },
        new("neglected", UserRole.Rep, "Neglected customers", "被忽略的客戶", "Active customers nobody contacted for more than N days (default 30).", "超過 N 天（預設 30 天）沒有聯繫的活躍客戶。",
            ["neglected customers", "neglected customers over 60 days"], ["被忽略的客戶", "久未聯繫的客戶"], ["neglected", "customers", "accounts", "忽略", "客戶"])
        { ManagerExamplesEn = ["team neglected customers"], ManagerExamplesZh = ["團隊被忽略的客戶"] },
        new("leaderboard", UserRole.Rep, "Leaderboard", "排行榜", "Reps ranked by won amount in a period, with rank change.", "依期間內贏單金額排名的業務，含名次變化。",
            ["team leaderboard", "leaderboard last quarter"], ["團隊排行榜", "上季排行榜"], ["leaderboard", "ranking", "top", "排行", "排名"]),
        new("lost", UserRole.Rep, "Lost deals", "失去的機會", "Deals lost in a period with their reason and BANT flags.", "期間內失去的商機，含原因與 BANT 標記。",
            ["lost this quarter", "lost deals 2017 Q3"], ["本季失去的機會", "2017年第3季丟單"], ["lost", "losses", "失去", "丟單"]),
        new("pipeline", UserRole.Rep, "Pipeline", "銷售管線", "Open deals by stage: count, amount, weighted amount; by owner or partner.", "依階段列出進行中商機：數量、金額、加權金額；可依負責人或通路。",
            ["pipeline", "pipeline by partner", "my pipeline"], ["銷售管線", "依通路銷售管線"], ["pipeline", "pipe", "管線"]),
        new("leads", UserRole.Rep, "Leads", "潛在客戶", "Leads created in a period by source and status, with conversion rate.", "期間內新增的潛在客戶，依來源與狀態，含轉換率。",
            ["leads last month by source", "leads this quarter"], ["上個月商機來源", "本季潛在客戶"], ["leads", "lead", "source", "潛在", "來源"]),
        new("activity", UserRole.Rep, "Activity", "活動量", "Completed calls, visits, meetings and e-mails per rep.", "每位業務完成的電話、拜訪、會議與郵件。",
            ["activity this week", "activity last month"], ["本週活動量", "上週活動量"], ["activity", "activities", "calls", "活動"])
        { ManagerExamplesEn = ["team activity this week"], ManagerExamplesZh = ["團隊活動量"] },
        new("winrate", UserRole.Rep, "Win rate", "贏率", "Won ÷ (won + lost) among deals closed in a period.", "期間內結案商機的贏單 ÷（贏單＋失單）。",
            ["win rate ytd", "win rate ytd vs last year"], ["今年至今贏率", "本季贏率"], ["win rate", "winrate", "win", "贏率", "勝率"]),
        new("trends", UserRole.Rep, "Trends", "趨勢比較", "A metric against a baseline: YoY, MoM, QoQ, YTD, MTD.", "指標與基準比較：年增、月增、季增、今年至今、本月至今。",
            ["compare yoy", "mtd", "won amount by product family yoy"], ["年增比較", "本月至今"], ["trends", "compare", "yoy", "mtd", "ytd", "趨勢", "比較", "年增"]),
        new("forecast", UserRole.Rep, "Forecast", "業務預測", "This quarter: won so far, commit, best case, weighted pipeline, quota and gap.", "本季：已贏單、承諾、最佳情況、加權管線、配額與差距。",
            ["forecast"], ["業務預測"], ["forecast", "預測"])
        { ManagerExamplesEn = ["team forecast", "forecast for @someone"], ManagerExamplesZh = ["團隊業務預測"] },
        new("plan", UserRole.Rep, "Action plan", "行動計畫", "Your quarter: quota, gap, coverage, planned activities and deals to work on.", "您的本季：配額、差距、覆蓋率、已排定活動與待跟進商機。",
            ["my plan"], ["我的行動計畫"], ["plan", "計畫"])
        { ManagerExamplesEn = ["plan for @someone"] },
        new("log", UserRole.Rep, "Log an activity", "記錄活動", "Record a completed call, visit, meeting or e-mail on an account or deal.", "在客戶或商機上記錄已完成的電話、拜訪、會議或郵件。",
            ["log call with Acme: talked pricing", "log email with Acme renewal: sent proposal"], ["記錄通話 Acme：談價格"], ["log", "record", "call", "記錄"]),
        new("snooze", UserRole.Rep, "Snooze a reminder", "延後提醒", "Stop nudges about a deal or account for a while.", "暫停某商機或客戶的提醒一段時間。",
            ["snooze Acme renewal 7 days", "snooze Acme renewal 2 weeks because champion on holiday"], ["延後 Acme 7天 因為 客戶休假"], ["snooze", "延後"]),
        new("subscribe", UserRole.Manager, "Scheduled posts", "排程張貼", "Post a team report to this channel on a schedule.", "依排程在此頻道張貼團隊報表。",
            ["subscribe leaderboard weekly monday 9:00", "subscribe pipeline daily 8:00", "subscriptions", "unsubscribe leaderboard"], ["訂閱 排行榜 每週一 9:00", "訂閱 銷售管線 每天 8:30", "取消訂閱 排行榜"], ["subscribe", "subscriptions", "訂閱"]),
        new("nudgestats", UserRole.Manager, "Nudge statistics", "提醒統計", "How reps responded to nudges: acted on, snoozed, ignored.", "業務對提醒的回應：已處理、延後、忽略。",
            ["nudge stats", "nudge stats last month"], ["提醒統計"], ["nudge", "stats", "提醒"]),
        new("settings", UserRole.Rep, "Settings", "設定", "Your nudge time, working days, language and stale threshold.", "您的提醒時間、工作日、語言與停滯天數。",
            ["settings", "settings nudge time 8:30", "settings language zh-TW"], ["設定", "設定 提醒時間 8:30"], ["settings", "preferences", "設定"]),
        new("help", UserRole.Rep, "Help", "說明", "This list; `help <topic>` explains one command.", "此清單；`說明 <主題>` 說明單一指令。",
            ["help", "help stale"], ["說明", "說明 排行榜"], ["help", "說明"]),
    ];

    public static IEnumerable<CommandTopic> For(UserRole role) => Topics.Where(t => role >= t.MinimumRole);

    /// <summary>The topic an example belongs to (suggestions are examples).</summary>
    public static CommandTopic? TopicOfExample(string example) =>
        Topics.FirstOrDefault(t => t.ExamplesEn.Contains(example) || t.ExamplesZh.Contains(example));

    /// <summary>The topic some words name ("stale deals", "排行榜", "leaderbord"), or null.</summary>
    public static CommandTopic? FindTopic(string words)
    {
        var w = words.Trim().ToLowerInvariant();
        var parts = w.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var topic in Topics)
            if (topic.Topic == w || topic.NameEn.Equals(w, StringComparison.OrdinalIgnoreCase) || topic.NameZh == w ||
                topic.Keywords.Any(k => k == w || parts.Contains(k) || (NormalizedText.ContainsCjk(k) && w.Contains(k, StringComparison.Ordinal))))
                return topic;
        foreach (var topic in Topics)
            if (topic.Keywords.Any(k => parts.Any(p => Fuzzy.Matches(p, k))))
                return topic;
        return null;
    }

    /// <summary>
    /// The three commands closest to what was typed, as command texts to run ("did you mean"), in the
    /// message's language; <c>Close</c> is true when some typed word is near a command keyword.
    /// </summary>
    public static (IReadOnlyList<string> Suggestions, bool Close) Suggest(string lower, string? language)
    {
        var chinese = language is not null;
        lower = lower.Length > 500 ? lower[..500] : lower; // what a long message is about shows in its beginning
        var words = lower.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length <= 30).Take(50).ToArray();
        var scored = Topics.Where(t => t.Topic != "help")
            .Select((t, order) => (Topic: t, Score: Score(t, words, lower), Order: order))
            .OrderBy(x => x.Score).ThenBy(x => x.Order).Take(3).ToList();
        var close = scored.Count > 0 && scored[0].Score <= 2;
        var suggestions = close ? scored.Select(x => x.Topic.Examples(chinese)[0]).ToList() : DefaultSuggestions(chinese);
        return (suggestions, close);
    }

    private static IReadOnlyList<string> DefaultSuggestions(bool chinese) =>
        [.. new[] { "stale", "pipeline", "leaderboard" }.Select(t => Topics.First(x => x.Topic == t).Examples(chinese)[0])];

    /// <summary>Smallest edit distance between a typed word and one of the topic's keywords (a Chinese keyword found inside the text scores 0).</summary>
    private static int Score(CommandTopic topic, string[] words, string lower)
    {
        var best = 4; // "not close": anything above the 3 edits looked at
        foreach (var keyword in topic.Keywords)
        {
            if (NormalizedText.ContainsCjk(keyword))
            {
                if (lower.Contains(keyword, StringComparison.Ordinal))
                    return 0;
                continue;
            }
            foreach (var w in words)
                if (Math.Abs(w.Length - keyword.Length) < Math.Min(best, 3)) // the distance is at least the length difference
                    best = Math.Min(best, Fuzzy.Distance(w, keyword, 3) + (w.Length < 3 ? 3 : 0));
        }
        return best;
    }
}
