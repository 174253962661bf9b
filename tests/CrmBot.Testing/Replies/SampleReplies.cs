using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;

namespace CrmBot.Testing.Replies;

/// <summary>
/// Hand-built replies of every kind, in English and zh-TW, shaped like the reports' real output:
/// the fixed set both renderers are judged on (C# tests and, through artifacts/cards, the JS judges).
/// Includes long lists (paging) and hostile names (quotes, markdown, &lt;script&gt;, emoji, 200 characters).
/// </summary>
public static class SampleReplies
{
    public static readonly string[] Languages = [Formats.English, Formats.TraditionalChinese];

    /// <summary>A name that tries everything: quotes, markdown, HTML, a template binding, emoji.</summary>
    public const string NastyName = "O'Brien \"Big\" *Deal* _v2_ ~old~ [x](http://evil) <script>alert(1)</script> ${title} 🚀 & Co";

    public static readonly string LongName = string.Concat(Enumerable.Repeat("Very Long Company Name Holdings ", 7))[..200];

    private static readonly DateOnly AsOf = new(2017, 9, 30);

    /// <summary>Every sample by a stable name (used for artifact file names).</summary>
    public static IReadOnlyList<(string Name, Reply Reply)> All(string language) =>
    [
        ("leaderboard", Leaderboard(language)),
        ("stale-deals", StaleDeals(language, rows: 10, total: 42)),
        ("stale-deals-long", StaleDeals(language, rows: 300, total: 1000, longNames: true)),
        ("pipeline", Pipeline(language)),
        ("lost-deals", LostDeals(language)),
        ("win-rate", WinRate(language)),
        ("trends", Trends(language)),
        ("nasty-names", NastyNames(language)),
        ("nudge", Nudge(language)),
        ("help", Help(language)),
        ("refusal", Message(language, ReplyKind.Refusal)),
        ("error", Message(language, ReplyKind.Error)),
        ("confirmation", Message(language, ReplyKind.Confirmation)),
        ("settings", Settings(language)),
    ];

    private static bool Zh(string language) => language == Formats.TraditionalChinese;

    private static string T(string language, string en, string zh) => Zh(language) ? zh : en;

    private static ReportResult Report(string language, ReportKind kind, string title) => new()
    {
        Kind = kind,
        Language = language,
        Title = title,
        Scope = T(language, "Team North", "北區團隊"),
        Period = T(language, "2017 Q3", "2017年第3季"),
        AsOf = AsOf,
        Context = T(language, "Team North · 2017 Q3 · as of Sep 30, 2017", "北區團隊 · 2017年第3季 · 截至 2017年9月30日"),
    };

    private static Reply ReportReply(string language, ReportResult report, ReplyKind kind = ReplyKind.Report) =>
        new() { Kind = kind, Language = language, Title = report.Title, Report = report };

    public static Reply Leaderboard(string language)
    {
        var f = Formats.For(language);
        string[] reps = Zh(language)
            ? ["王小明", "陳美玲", "林志豪", "張雅婷", "李建宏", "黃淑芬", "吳俊傑", "劉怡君"]
            : ["Darcel Schlecht", "Vicki Laflamme", "Kami Bicknell", "Anna Snelling", "Versie Hillebrand", "Cassey Cress", "Jonathan Berthelot", "Marty Freudenburg"];
        var rows = reps.Select((name, i) => new Row([
            new Cell(f.Count(i + 1), ValueKind.Rank, i + 1),
            new Cell(name),
            new Cell(f.Count(12 - i), ValueKind.Count, 12 - i),
            new Cell(f.Money((8 - i) * 12_345.5m, "USD"), ValueKind.Money, (8 - i) * 12_345.5m, "USD"),
            new Cell(f.Percent(0.6315 - i * 0.05), ValueKind.Percent, 0.6315m - i * 0.05m),
            new Cell(i % 3 == 0 ? "▲1" : i % 3 == 1 ? "▼2" : "–", ValueKind.Change),
        ]) { Record = new RecordRef(RecordKind.User, 100 + i, name) }).ToList();
        var report = Report(language, ReportKind.Leaderboard, T(language, "Team leaderboard", "團隊排行榜")) with
        {
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new Column("#", ValueKind.Rank), new Column(T(language, "Rep", "業務")),
                        new Column(T(language, "Won", "贏得件數"), ValueKind.Count), new Column(T(language, "Won amount", "贏得金額"), ValueKind.Money),
                        new Column(T(language, "Win rate", "贏率"), ValueKind.Percent), new Column(T(language, "Change", "名次變化"), ValueKind.Change),
                    ],
                    Rows = rows,
                    TotalRows = rows.Count,
                },
            ],
            Actions = [new SuggestedAction(T(language, "Lost deals this quarter", "本季失去的機會"), T(language, "lost this quarter", "本季失去的機會"))],
        };
        return ReportReply(language, report);
    }

    public static Reply StaleDeals(string language, int rows, int total, bool longNames = false, bool nasty = false)
    {
        var f = Formats.For(language);
        var list = Enumerable.Range(0, rows).Select(i =>
        {
            var name = nasty && i == 0 ? NastyName
                : longNames ? LongName[..(190 + i % 10)] + i
                : T(language, $"Acme Corp renewal {i + 1}", $"台積科技 續約案 {i + 1}");
            var deal = new RecordRef(RecordKind.Opportunity, 5000 + i, name);
            return new Row([
                new Cell(name),
                new Cell(T(language, "Acme Corp", "台積科技")),
                new Cell(f.Money(25_000 + i * 1000, "USD"), ValueKind.Money, 25_000 + i * 1000, "USD"),
                new Cell(f.Days(60 - i % 40), ValueKind.Days, 60 - i % 40),
                new Cell(i % 2 == 0 ? T(language, "Call on Oct 3, 2017", "2017年10月3日 電話") : ""),
            ])
            {
                Record = deal,
                Actions =
                [
                    new RowAction(RowActionKind.LogCall, T(language, "Log a call", "記錄通話"), deal),
                    new RowAction(RowActionKind.LogEmail, T(language, "Log an email", "記錄郵件"), deal),
                    new RowAction(RowActionKind.Snooze, T(language, "Snooze 7 days", "延後 7 天"), deal, 7),
                    new RowAction(RowActionKind.OpenInCrm, T(language, "Open in CRM", "在 CRM 開啟"), deal),
                ],
            };
        }).ToList();
        var request = new ReportRequest(ReportKind.StaleDeals) { ThresholdDays = 14, Subject = SubjectSpec.Me };
        var report = Report(language, ReportKind.StaleDeals, T(language, "My stale deals", "我的停滯商機")) with
        {
            Period = null,
            Context = T(language, "Darcel Schlecht · over 14 days · as of Sep 30, 2017", "Darcel Schlecht · 超過 14 天 · 截至 2017年9月30日"),
            Facts = [new Fact(T(language, "Stale deals", "停滯商機"), new Cell(f.Count(total), ValueKind.Count, total))],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new Column(T(language, "Deal", "商機")), new Column(T(language, "Account", "客戶")),
                        new Column(T(language, "Amount", "金額"), ValueKind.Money), new Column(T(language, "Since last touch", "未聯繫"), ValueKind.Days),
                        new Column(T(language, "Next activity", "下一個活動")),
                    ],
                    Rows = list,
                    TotalRows = total,
                    NextPage = total > rows ? request with { Offset = rows } : null,
                },
            ],
            HasPersonalRecords = true,
        };
        return ReportReply(language, report);
    }

    public static Reply Pipeline(string language)
    {
        var f = Formats.For(language);
        string[] stages = Zh(language) ? ["開發", "資格審查", "需求分析", "提案", "議價"] : ["Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation"];
        string[] owners = Zh(language) ? ["王小明", "陳美玲", "林志豪"] : ["Darcel Schlecht", "Vicki Laflamme", "Kami Bicknell"];
        var values = owners.Select((_, o) => stages.Select((_, s) => (double)((o + 1) * 10_000 + s * 7_500)).ToList()).ToList();
        var rows = stages.Select((stage, s) => new Row([
            new Cell(stage),
            new Cell(f.Count(3 + s), ValueKind.Count, 3 + s),
            new Cell(f.Money((decimal)values.Sum(v => v[s]), "USD"), ValueKind.Money, (decimal)values.Sum(v => v[s]), "USD"),
            new Cell(f.Money((decimal)values.Sum(v => v[s]) * 0.1m * (s + 1), "USD"), ValueKind.Money),
        ])).ToList();
        var report = Report(language, ReportKind.Pipeline, T(language, "Pipeline by stage", "銷售管線（依階段）")) with
        {
            Facts =
            [
                new Fact(T(language, "Open deals", "進行中商機"), new Cell(f.Count(35), ValueKind.Count, 35)),
                new Fact(T(language, "Pipeline", "管線金額"), new Cell(f.Money(412_500, "USD"), ValueKind.Money, 412_500, "USD")),
                new Fact(T(language, "Win rate (last 4 quarters)", "贏率（近四季）"), new Cell(f.Percent(0.48), ValueKind.Percent, 0.48m)),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new Column(T(language, "Stage", "階段")), new Column(T(language, "Deals", "件數"), ValueKind.Count),
                        new Column(T(language, "Amount", "金額"), ValueKind.Money), new Column(T(language, "Weighted", "加權金額"), ValueKind.Money),
                    ],
                    Rows = rows,
                    TotalRows = rows.Count,
                },
            ],
            Chart = new Chart(ChartKind.StackedBar, T(language, "Pipeline by stage and owner", "各階段管線（依負責人）"),
                T(language, "Stage", "階段"), T(language, "Amount (USD)", "金額（美元）"), stages,
                owners.Select((o, i) => new ChartSeries(o, values[i])).ToList()),
            Notes = [T(language, "Amounts in EUR (2 deals) are not included.", "歐元計價的 2 筆商機未計入。")],
        };
        return ReportReply(language, report);
    }

    public static Reply LostDeals(string language)
    {
        var f = Formats.For(language);
        var rows = Enumerable.Range(0, 6).Select(i => new Row([
            new Cell(T(language, $"Globex expansion {i + 1}", $"鴻海擴充案 {i + 1}")),
            new Cell(T(language, "Vicki Laflamme", "陳美玲")),
            new Cell(f.Money(18_000 + i * 2_500, "USD"), ValueKind.Money),
            new Cell(i % 2 == 0 ? T(language, "Budget", "預算") : T(language, "Timeline", "時程")),
            new Cell(i % 2 == 0 ? "B" : "T"),
            new Cell(f.Days(40 + i), ValueKind.Days),
            new Cell(T(language, "Proposal", "提案")),
        ]) { Record = new RecordRef(RecordKind.Opportunity, 7000 + i, $"Globex expansion {i + 1}") }).ToList();
        var report = Report(language, ReportKind.LostDeals, T(language, "Lost deals", "失去的機會")) with
        {
            Facts =
            [
                new Fact(T(language, "Lost", "失去件數"), new Cell(f.Count(6), ValueKind.Count, 6)),
                new Fact(T(language, "Amount", "金額"), new Cell(f.Money(145_500, "USD"), ValueKind.Money)),
                new Fact(T(language, "Budget", "預算"), new Cell(f.Count(3), ValueKind.Count, 3)),
                new Fact(T(language, "Timeline", "時程"), new Cell(f.Count(3), ValueKind.Count, 3)),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new Column(T(language, "Deal", "商機")), new Column(T(language, "Owner", "負責人")), new Column(T(language, "Amount", "金額"), ValueKind.Money),
                        new Column(T(language, "Reason", "原因")), new Column("BANT"), new Column(T(language, "Days open", "開啟天數"), ValueKind.Days),
                        new Column(T(language, "Last stage", "最後階段")),
                    ],
                    Rows = rows,
                    TotalRows = rows.Count,
                },
            ],
        };
        return ReportReply(language, report);
    }

    public static Reply WinRate(string language)
    {
        var f = Formats.For(language);
        var report = Report(language, ReportKind.WinRate, T(language, "Win rate", "贏率")) with
        {
            Period = T(language, "2017 YTD", "2017年至今"),
            Facts =
            [
                new Fact(T(language, "Win rate", "贏率"), new Cell(f.Percent(0.6315), ValueKind.Percent, 0.6315m)),
                new Fact(T(language, "Won", "贏得"), new Cell(f.Count(48), ValueKind.Count, 48)),
                new Fact(T(language, "Lost", "失去"), new Cell(f.Count(28), ValueKind.Count, 28)),
                new Fact(T(language, "Same period last year", "去年同期"), new Cell(f.NotApplicable)),
            ],
            Actions = [new SuggestedAction(T(language, "Compare YoY", "年增比較"), T(language, "compare yoy", "年增比較"))],
        };
        return ReportReply(language, report);
    }

    /// <summary>YoY won amount by month: a line chart (this year against last year) over a small table.</summary>
    public static Reply Trends(string language)
    {
        var f = Formats.For(language);
        string[] months = Zh(language) ? ["1月", "2月", "3月", "4月", "5月", "6月"] : ["Jan", "Feb", "Mar", "Apr", "May", "Jun"];
        double[] thisYear = [120_000, 95_500, 143_250, 88_000, 0, 131_000];
        double[] lastYear = [100_000, 101_000, 0, 92_500, 87_000, 99_000];
        var rows = months.Select((m, i) => new Row([
            new Cell(m),
            new Cell(f.Money((decimal)thisYear[i], "USD"), ValueKind.Money),
            new Cell(f.Money((decimal)lastYear[i], "USD"), ValueKind.Money),
            new Cell(lastYear[i] == 0 ? f.NotApplicable : f.SignedPercent(thisYear[i] / lastYear[i] - 1), ValueKind.Change),
        ])).ToList();
        var report = Report(language, ReportKind.Trends, T(language, "Won amount, year over year", "贏得金額年增比較")) with
        {
            Period = T(language, "2017 H1", "2017年上半年"),
            Facts =
            [
                new Fact(T(language, "This year", "今年"), new Cell(f.Money(577_750, "USD"), ValueKind.Money)),
                new Fact(T(language, "Last year", "去年"), new Cell(f.Money(479_500, "USD"), ValueKind.Money)),
                new Fact(T(language, "Change", "變化"), new Cell(f.SignedPercent(577_750.0 / 479_500 - 1), ValueKind.Change)),
            ],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new Column(T(language, "Month", "月份")), new Column("2017", ValueKind.Money),
                        new Column("2016", ValueKind.Money), new Column(T(language, "Change", "變化"), ValueKind.Change),
                    ],
                    Rows = rows,
                    TotalRows = rows.Count,
                },
            ],
            Chart = new Chart(ChartKind.Line, T(language, "Won amount by month", "每月贏得金額"), T(language, "Month", "月份"),
                T(language, "Amount (USD)", "金額（美元）"), months, [new ChartSeries("2017", thisYear), new ChartSeries("2016", lastYear)]),
        };
        return ReportReply(language, report);
    }

    public static Reply NastyNames(string language)
    {
        var reply = StaleDeals(language, rows: 3, total: 3, nasty: true);
        var report = reply.Report! with { Notes = [NastyName], Facts = [new Fact(NastyName, Cell.Of(NastyName))] };
        return reply with { Title = LongName, Text = NastyName, Report = report };
    }

    public static Reply Nudge(string language)
    {
        var stale = StaleDeals(language, rows: 10, total: 13);
        var report = stale.Report! with
        {
            Title = T(language, "Deals waiting for you", "等待您跟進的商機"),
            Tables = [stale.Report!.Tables[0] with { NextPage = null }],
        };
        return new Reply
        {
            Kind = ReplyKind.Nudge,
            Language = language,
            Title = report.Title,
            Text = T(language, "Good morning! These deals have not been touched for a while.", "早安！這些商機已有一段時間沒有聯繫。"),
            Report = report,
            Visibility = Visibility.Private,
        };
    }

    public static Reply Help(string language) => new()
    {
        Kind = ReplyKind.Help,
        Language = language,
        Title = T(language, "What I can do", "我可以幫您做什麼"),
        Text = T(language, "Did you mean one of these?", "您是要問這些嗎？"),
        Help =
        [
            new HelpEntry(T(language, "my stale deals", "我的停滯商機"), T(language, "Open deals not touched for 14+ days", "超過 14 天未聯繫的商機"),
                [T(language, "stale deals over 30 days", "停滯商機 超過30天")]),
            new HelpEntry(T(language, "team leaderboard", "團隊排行榜"), T(language, "Reps ranked by won amount", "依贏得金額排名"), []),
            new HelpEntry(T(language, "lost deals 2017 Q3", "本季失去的機會"), T(language, "Every lost deal with its BANT reason", "每筆失去的機會及其 BANT 原因"),
                [T(language, "lost this quarter", "上季失去的機會"), "lost deals 2017"]),
        ],
        Buttons = [new ReplyButton(T(language, "My stale deals", "我的停滯商機"), CardVerbs.Run, new Dictionary<string, string> { ["command"] = "my stale deals" })],
    };

    public static Reply Message(string language, ReplyKind kind) => new()
    {
        Kind = kind,
        Language = language,
        Title = kind switch
        {
            ReplyKind.Refusal => T(language, "Not allowed", "無權查看"),
            ReplyKind.Error => T(language, "Something went wrong", "發生錯誤"),
            _ => T(language, "Call logged", "已記錄通話"),
        },
        Text = kind switch
        {
            ReplyKind.Refusal => T(language, "You can only see your own team's deals.", "您只能查看自己團隊的商機。"),
            ReplyKind.Error => T(language, "Please try again in a minute. (ref 7f3a)", "請稍後再試。（參考碼 7f3a）"),
            _ => T(language, "Logged a call on \"Acme renewal\": talked pricing.", "已在「台積科技 續約案」記錄通話：討論價格。"),
        },
        Buttons = kind == ReplyKind.Confirmation
            ? [new ReplyButton(T(language, "Undo", "復原"), CardVerbs.Run, new Dictionary<string, string> { ["command"] = "undo" })]
            : [],
    };

    public static Reply Settings(string language) => new()
    {
        Kind = ReplyKind.Settings,
        Language = language,
        Title = T(language, "Your settings", "您的設定"),
        Text = T(language, "Changes apply from tomorrow's nudge.", "變更將於明天的提醒生效。"),
        Inputs =
        [
            new ReplyInput("nudgeTime", T(language, "Nudge time", "提醒時間"), InputKind.Time) { Value = "09:00" },
            new ReplyInput("thresholdDays", T(language, "Stale after (days)", "停滯天數"), InputKind.Text) { Value = "14", Placeholder = "14" },
            new ReplyInput("language", T(language, "Language", "語言"), InputKind.Choice)
            {
                Value = language,
                Choices = [("en", "English"), ("zh-TW", "繁體中文")],
            },
            new ReplyInput("weekends", T(language, "Nudge on weekends", "週末也提醒"), InputKind.Toggle) { Value = "false" },
            new ReplyInput("snoozeUntil", T(language, "Pause nudges until", "暫停提醒至"), InputKind.Date),
            new ReplyInput("signature", T(language, "Note for managers", "給主管的備註"), InputKind.MultilineText) { Placeholder = T(language, "Optional", "選填") },
        ],
        Buttons = [new ReplyButton(T(language, "Save", "儲存"), CardVerbs.SaveSettings, new Dictionary<string, string>()) { Primary = true }],
    };
}
