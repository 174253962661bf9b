using System.Globalization;
using System.Text.RegularExpressions;
using CrmBot.Core.Data;

namespace CrmBot.Core.Commands;

/// <summary>
/// Commands that start with their verb: help, log, snooze, subscribe, unsubscribe, subscriptions,
/// settings, nudge stats. Free text (targets, notes, reasons, names) keeps the case it was typed in.
/// A verb without what it needs ("log", "snooze") is answered with that verb's help.
/// </summary>
internal static partial class ActionParser
{
    private delegate Command? Reader(Match match, string cased);

    private static readonly (Regex Pattern, Reader Read)[] Verbs =
    [
        (Help(), (m, _) => new HelpCommand(TopicOf(m.Groups["rest"].Value))),
        (Log(), ReadLog),
        (Snooze(), ReadSnooze),
        (Unsubscribe(), (m, _) => new UnsubscribeCommand(ReportIn(m.Groups["rest"].Value))),
        (ListSubscriptions(), (_, _) => new ListSubscriptionsCommand()),
        (Subscribe(), ReadSubscribe),
        (Settings(), ReadSettings),
        (NudgeStats(), ReadNudgeStats),
    ];

    public static Command? TryParse(NormalizedText normalized)
    {
        var (cased, lower) = CorrectVerb(normalized.Cased, normalized.Lower);
        foreach (var (pattern, read) in Verbs)
        {
            var m = pattern.Match(lower);
            if (m.Success)
                return read(m, cased);
        }
        return null;
    }

    /// <summary>Only the first word is typo-corrected here: the rest may be notes or names that must stay as typed.</summary>
    private static (string Cased, string Lower) CorrectVerb(string cased, string lower)
    {
        var end = lower.IndexOf(' ');
        if (end < 0)
            end = lower.Length;
        var (c, l) = TypoCorrector.Correct(cased[..end], lower[..end]);
        return (c + cased[end..], l + lower[end..]);
    }

    private static string? TopicOf(string rest)
    {
        rest = rest.Trim();
        if (rest.Length == 0)
            return null;
        return CommandCatalog.FindTopic(rest)?.Topic ?? (rest.Length > 50 ? rest[..50] : rest);
    }

    /// <summary>"nudge stats last month page 2"; a period or page that cannot be ("2026-02-30", "page 0") is said so, not read as the default.</summary>
    private static Command ReadNudgeStats(Match m, string cased)
    {
        var rest = m.Groups["rest"];
        var (offset, unusablePage, restLower) = ReportParser.ReadPage(cased.Substring(rest.Index, rest.Length), rest.Value);
        if (unusablePage is not null)
            return unusablePage;
        var (period, _, unusable) = PeriodParser.Read(restLower);
        return unusable is null
            ? new NudgeStatsCommand(period) { Offset = offset }
            : new UnusableValueCommand(unusable.Kind, cased.Substring(rest.Index + unusable.Index, unusable.Length).Trim());
    }

    private static Command ReadLog(Match m, string cased)
    {
        var type = ActivityTypeOf(m.Groups["type"].Value);
        var target = Slice(cased, m.Groups["target"]);
        if (type is null || target.Length == 0)
            return new HelpCommand("log");
        var notes = Slice(cased, m.Groups["notes"]);
        return new LogActivityCommand(type.Value, target, notes.Length == 0 ? null : notes);
    }

    private static Command ReadSnooze(Match m, string cased)
    {
        var rest = m.Groups["rest"];
        var restCased = Slice(cased, rest);
        var restLower = restCased.ToLowerInvariant();

        string? reason = null;
        var because = SnoozeReason().Match(restLower);
        if (because.Success)
        {
            reason = restCased[(because.Index + because.Length)..].Trim();
            restCased = restCased[..because.Index];
            restLower = restLower[..because.Index];
        }

        int? days = null;
        DateOnly? until = null;
        var length = SnoozeLength().Match(restLower);
        if (length.Success)
        {
            if (length.Groups["date"].Success)
                until = PeriodParser.ReadDate(length.Groups["date"].Value);
            else if (int.TryParse(length.Groups["n"].Value, CultureInfo.InvariantCulture, out var n))
                days = length.Groups["u"].Value is var u && (u.StartsWith('w') || u.Contains('週') || u.Contains('周') || u.Contains("星期")) ? n * 7 : n;
            restCased = restCased[..length.Index];
        }

        var target = restCased.Trim();
        if (target.Length == 0)
            return new HelpCommand("snooze");
        // A length that cannot be one ("400 days", "until 2017-02-30") is named in the answer, not left for the help to explain.
        if ((length.Success && days is null && until is null) || days is < 1 or > UnusableValueCommand.MaxSnoozeDays)
            return new UnusableValueCommand(UnusableValue.SnoozeLength, Slice(cased, rest)[length.Index..(length.Index + length.Length)].Trim());
        return new SnoozeCommand(target, days, until, string.IsNullOrEmpty(reason) ? null : reason);
    }

    private static Command ReadSubscribe(Match m, string cased)
    {
        var rest = m.Groups["rest"].Value;
        var team = ReadTeam(ref rest, cased, m.Groups["rest"].Index);

        var time = new TimeOnly(9, 0);
        var t = Time().Match(rest);
        if (t.Success)
        {
            if (ReadTime(t) is not { } typed)
                return new HelpCommand("subscribe");
            time = typed;
            rest = rest.Remove(t.Index, t.Length).Insert(t.Index, " ");
        }

        int? dayOfMonth = null;
        var dom = DayOfMonth().Match(rest);
        if (dom.Success)
        {
            dayOfMonth = int.Parse(dom.Groups["dom"].Value, CultureInfo.InvariantCulture);
            if (dayOfMonth is < 1 or > 31)
                return new HelpCommand("subscribe");
            rest = rest.Remove(dom.Index, dom.Length).Insert(dom.Index, " ");
        }

        DayOfWeek? day = null;
        var zhDay = ChineseDay().Match(rest);
        if (zhDay.Success)
        {
            day = Vocabulary.ChineseDays.First(d => d.Char == zhDay.Groups["d"].Value[0]).Day;
            rest = rest.Remove(zhDay.Index, zhDay.Length).Insert(zhDay.Index, " ");
        }
        else
            foreach (var word in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (Vocabulary.EnglishDays.FirstOrDefault(d => d.Word == word.TrimEnd('s', ',')) is { Word: not null } found)
                {
                    day = found.Day;
                    break;
                }

        var frequency = Frequency().Match(rest) is { Success: true } f
            ? f.Value switch
            {
                "daily" or "every day" or "每天" or "每日" => SubscriptionFrequency.Daily,
                "monthly" or "every month" or "每月" or "每個月" => SubscriptionFrequency.Monthly,
                _ => SubscriptionFrequency.Weekly,
            }
            : dayOfMonth is not null ? SubscriptionFrequency.Monthly : SubscriptionFrequency.Weekly;

        if (ReportIn(rest) is not { } report)
            return new HelpCommand("subscribe");
        return frequency switch
        {
            SubscriptionFrequency.Daily => new SubscribeCommand(report, frequency, null, null, time) { Team = team },
            SubscriptionFrequency.Monthly => new SubscribeCommand(report, frequency, null, dayOfMonth ?? 1, time) { Team = team },
            _ => new SubscribeCommand(report, frequency, day ?? DayOfWeek.Monday, null, time) { Team = team },
        };
    }

    /// <summary>"for team North" / "team North" in a subscription: the team to post about.</summary>
    private static SubjectSpec? ReadTeam(ref string rest, string cased, int offset)
    {
        var m = SubscribeTeam().Match(rest);
        if (!m.Success)
            return null;
        var name = m.Groups["name"];
        var spec = SubjectSpec.Team(cased.Substring(offset + name.Index, name.Length).Trim());
        rest = rest[..m.Index];
        return spec;
    }

    private static TimeOnly? ReadTime(Match t)
    {
        var hour = int.Parse(t.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minute = t.Groups["m"].Success ? int.Parse(t.Groups["m"].Value, CultureInfo.InvariantCulture) : t.Groups["half"].Success ? 30 : 0;
        var ap = t.Groups["ap"].Value;
        if (ap is "pm" or "下午" or "晚上" && hour < 12)
            hour += 12;
        else if (ap is "am" or "上午" or "早上" && hour == 12)
            hour = 0;
        return hour is >= 0 and <= 23 && minute is >= 0 and <= 59 ? new TimeOnly(hour, minute) : null;
    }

    private static Command ReadSettings(Match m, string cased)
    {
        var rest = m.Groups["rest"];
        if (rest.Length == 0)
            return new SettingsCommand();
        var restCased = Slice(cased, rest);
        var restLower = restCased.ToLowerInvariant();
        foreach (var (phrase, key) in Vocabulary.SettingKeys.OrderByDescending(k => k.Phrase.Length))
        {
            if (!restLower.StartsWith(phrase, StringComparison.Ordinal) ||
                (restLower.Length > phrase.Length && char.IsAsciiLetterLower(phrase[^1]) && char.IsAsciiLetterLower(restLower[phrase.Length])))
                continue;
            var value = SettingValuePrefix().Replace(restCased[phrase.Length..], "").Trim();
            return new SettingsCommand(key, value.Length == 0 ? null : value);
        }
        var space = restCased.IndexOf(' ');
        return space < 0
            ? new SettingsCommand(restCased, null)
            : new SettingsCommand(restCased[..space], restCased[(space + 1)..].Trim());
    }

    /// <summary>The report named in a subscribe/unsubscribe line, or null.</summary>
    private static ReportKind? ReportIn(string text)
    {
        foreach (var (phrase, kind) in Vocabulary.ChineseReports.OrderByDescending(p => p.Phrase.Length))
            if (text.Contains(phrase, StringComparison.Ordinal))
                return kind;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (phrase, kind) in Vocabulary.EnglishReports.OrderByDescending(p => p.Phrase.Length))
        {
            var parts = phrase.Split(' ');
            for (var i = 0; i + parts.Length <= words.Length; i++)
                if (parts.Select((p, k) => Fuzzy.Matches(words[i + k], p)).All(x => x))
                    return kind;
        }
        return null;
    }

    private static ActivityType? ActivityTypeOf(string word)
    {
        foreach (var (w, type) in Vocabulary.EnglishActivityTypes)
            if (w == word)
                return type;
        foreach (var (w, type) in Vocabulary.ChineseActivityTypes)
            if (w == word)
                return type;
        return null;
    }

    private static string Slice(string cased, Group g) => g.Success ? cased.Substring(g.Index, g.Length).Trim() : "";

    [GeneratedRegex(@"^(?:help|\?|commands|what can you do|幫助|說明|使用說明|指令|怎麼用)(?:\s+|$)(?<rest>.*)$")]
    private static partial Regex Help();

    [GeneratedRegex(@"^(?:log|logged|record|記錄|紀錄|登記)\s*(?:an?\s+)?(?<type>phone call|call|phone|visit|meeting|e-mail|email|mail|task|通話|電話|拜訪|會議|開會|電子郵件|郵件|任務)?(?:\s+(?:with|to|for|at|on)\s+|\s*(?:與|和|跟|給|在)\s*|\s+|$)(?<target>[^:]*?)\s*(?::\s*(?<notes>.*))?$")]
    private static partial Regex Log();

    [GeneratedRegex(@"^(?:snooze|延後提醒|延後|暫停提醒|稍後提醒)(?:\s+|$)(?<rest>.*)$")]
    private static partial Regex Snooze();

    [GeneratedRegex(@"(?<![a-z])(?:because|reason:?)\s+|\s*(?:因為|原因:?)\s*|\s*:\s*")]
    private static partial Regex SnoozeReason();

    [GeneratedRegex(@"(?:\s+for)?\s*(?<![\d,])(?<n>\d+)\s*(?<u>days?|d|weeks?|w|天|日|週|周|個星期|星期)\s*$|\s*(?:until|till|到|直到)\s*(?<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日號])\s*(?:為止)?\s*$")]
    private static partial Regex SnoozeLength();

    [GeneratedRegex(@"^(?:unsubscribe|取消訂閱)(?:\s+|$)(?<rest>.*)$")]
    private static partial Regex Unsubscribe();

    [GeneratedRegex(@"^(?:(?:list|show|my)\s+)?subscriptions$|^(?:我的訂閱|訂閱列表|訂閱清單|查看訂閱|列出訂閱)$")]
    private static partial Regex ListSubscriptions();

    [GeneratedRegex(@"^(?:subscribe(?:\s+|$)|訂閱\s*)(?<rest>.*)$")]
    private static partial Regex Subscribe();

    [GeneratedRegex(@"(?:\s|^)(?:for\s+)?team\s+(?<name>.+)$")]
    private static partial Regex SubscribeTeam();

    [GeneratedRegex(@"(?:at\s+)?(?<h>\d{1,2}):(?<m>\d{2})\s*(?<ap>am|pm)?|(?:at\s+)?(?<h>\d{1,2})\s*(?<ap>am|pm)(?![a-z])|(?<ap>上午|下午|早上|晚上)?\s*(?<h>\d{1,2})\s*[點时時](?<half>半)?")]
    private static partial Regex Time();

    [GeneratedRegex(@"(?:on\s+(?:the\s+)?|day\s+)(?<dom>\d{1,2})(?:st|nd|rd|th)?(?![0-9])|(?:每月|每個月)?\s*(?<dom>\d{1,2})\s*[日號]")]
    private static partial Regex DayOfMonth();

    [GeneratedRegex(@"(?:每週|每周|週|周|星期|禮拜)(?<d>[一二三四五六日天])")]
    private static partial Regex ChineseDay();

    [GeneratedRegex(@"daily|every day|weekly|every week|monthly|every month|每天|每日|每週|每周|每星期|每個月|每月")]
    private static partial Regex Frequency();

    [GeneratedRegex(@"^(?:settings|setting|preferences|prefs|偏好設定|設定|set)(?:\s+|$)(?<rest>.*)$")]
    private static partial Regex Settings();

    [GeneratedRegex(@"^\s*(?:to|=|:|為|成|改為|改成)\s*")]
    private static partial Regex SettingValuePrefix();

    [GeneratedRegex(@"^(?:nudge\s*stats|nudge\s*statistics|提醒統計|提醒成效)(?:\s+|$)(?<rest>.*)$")]
    private static partial Regex NudgeStats();
}
