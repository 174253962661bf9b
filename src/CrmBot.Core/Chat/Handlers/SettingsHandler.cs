using System.Globalization;
using System.Text.RegularExpressions;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>
/// The asker's own nudge settings: `settings` shows the form, `settings nudge time 8:30` changes one
/// value, the form's Save button (<see cref="CardVerbs.SaveSettings"/>) changes several. Invalid values
/// are explained and nothing is saved. Where the user has no value of their own, the form shows the admin's default
/// (section "Nudges") and its Save button carries what it showed; a field sent back unchanged stays unset, so the user
/// keeps following the default, also when the admin changes it later (even through a form shown before the change).
/// </summary>
public sealed partial class SettingsHandler(CrmDbContext db, IOptions<NudgeOptions> nudges) : ICommandHandler, ICardActionHandler
{
    private static readonly string[] DayKeys = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public async Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct)
    {
        var settings = (SettingsCommand)command;
        if (settings.Key is null)
            return await FormAsync(turn, ct);
        if (!SettingNames.All.Contains(settings.Key))
            return turn.Error(
                $"There is no setting “{settings.Key}”. You can change: nudge time, working days, language, stale threshold, nudges (on/off).",
                $"沒有「{settings.Key}」這個設定。可以修改：提醒時間、工作日、語言、停滯天數、提醒（開／關）。");
        return await SaveAsync(new Dictionary<string, string> { [settings.Key] = settings.Value ?? "" }, turn, ct);
    }

    public Task<Reply> HandleAsync(CardAction action, ChatTurn turn, CancellationToken ct)
    {
        // The form sends every field: a default it showed and that comes back as shown is not the user's own value.
        var shownDefaults = action.Data.Where(d => d.Key.StartsWith(ShownDefault, StringComparison.Ordinal))
            .ToDictionary(d => d.Key[ShownDefault.Length..], d => d.Value);
        var changed = action.Data.Where(d => SettingNames.All.Contains(d.Key)
            && !(shownDefaults.TryGetValue(d.Key, out var shown) && d.Value.Trim() == shown)).ToDictionary();
        return SaveAsync(changed, turn, ct);
    }

    /// <summary>Button data key prefix: the default the form showed for a field the user has no value of.</summary>
    private const string ShownDefault = "default.";

    private async Task<Reply> FormAsync(ChatTurn turn, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == turn.Asker.UserId, ct);
        if (user is null)
            return turn.Error("Your CRM user was not found.", "找不到您的 CRM 使用者。");
        var defaults = nudges.Value;
        var nudgeTime = (user.NudgeTime ?? defaults.DefaultNudgeTime).ToString("HH:mm", CultureInfo.InvariantCulture);
        var workingDays = FormatDays(user.WorkingDaysMask ?? NudgeOptions.MaskOf(defaults.DefaultWorkingDays), turn.Formats.IsChinese);
        var staleDays = (user.StaleThresholdDays ?? defaults.StaleDays).ToString(CultureInfo.InvariantCulture);
        var shownDefaults = new Dictionary<string, string> { [ReplyButtons.ReplyLanguage] = turn.Language };   // Save answers in the form's language
        if (user.NudgeTime is null) shownDefaults[ShownDefault + SettingNames.NudgeTime] = nudgeTime;
        if (user.WorkingDaysMask is null) shownDefaults[ShownDefault + SettingNames.WorkingDays] = workingDays;
        if (user.StaleThresholdDays is null) shownDefaults[ShownDefault + SettingNames.StaleThresholdDays] = staleDays;
        return new Reply
        {
            Kind = ReplyKind.Settings,
            Language = turn.Language,
            Title = turn.T("Your settings", "您的設定"),
            Text = turn.T("Nudges arrive on working days at your nudge time.", "提醒會在工作日的提醒時間送出。"),
            Visibility = turn.PrivateInChannel,
            Inputs =
            [
                new ReplyInput(SettingNames.NudgeTime, turn.T("Nudge time", "提醒時間"), InputKind.Time)
                    { Value = nudgeTime },
                new ReplyInput(SettingNames.WorkingDays, turn.T("Working days", "工作日"), InputKind.Text)
                    { Value = workingDays, Placeholder = turn.T("mon,tue,wed,thu,fri", "週一、週二、週三、週四、週五") },
                new ReplyInput(SettingNames.Language, turn.T("Language", "語言"), InputKind.Choice)
                    { Value = Formats.Normalize(user.Language), Choices = [(Formats.English, "English"), (Formats.TraditionalChinese, "繁體中文")] },
                new ReplyInput(SettingNames.StaleThresholdDays, turn.T("Stale after (days)", "停滯天數"), InputKind.Text)
                    { Value = staleDays },
                new ReplyInput(SettingNames.NudgesEnabled, turn.T("Send me nudges", "傳送提醒給我"), InputKind.Toggle)
                    { Value = user.NudgesEnabled ? "true" : "false" },
            ],
            Buttons = [new ReplyButton(turn.T("Save", "儲存"), CardVerbs.SaveSettings, shownDefaults) { Primary = true }],
        };
    }

    private async Task<Reply> SaveAsync(IReadOnlyDictionary<string, string> values, ChatTurn turn, CancellationToken ct)
    {
        var user = await db.Users.AsTracking().FirstOrDefaultAsync(u => u.Id == turn.Asker.UserId, ct);
        if (user is null)
            return turn.Error("Your CRM user was not found.", "找不到您的 CRM 使用者。");
        if (values.Count == 0)
            return turn.Error("Nothing to change.", "沒有要修改的設定。");

        var problems = new List<string>();
        foreach (var (key, raw) in values)
        {
            var value = raw.Trim();
            var ok = key switch
            {
                SettingNames.NudgeTime => Set(ParseTime(value), v => user.NudgeTime = v),
                SettingNames.WorkingDays => Set(ParseDays(value), v => user.WorkingDaysMask = v),
                SettingNames.Language => Set(ParseLanguage(value), v => user.Language = v),
                SettingNames.StaleThresholdDays => Set<int>(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 365 ? n : null, v => user.StaleThresholdDays = v),
                SettingNames.NudgesEnabled => Set(ParseToggle(value), v => user.NudgesEnabled = v),
                _ => false,
            };
            if (!ok)
                problems.Add(Problem(key, turn));
        }
        if (problems.Count > 0)
            return turn.Error(string.Join(" ", problems), string.Join(" ", problems));

        await db.SaveChangesAsync(ct);
        // After a language change, confirm in the new language.
        var after = turn with { Language = values.ContainsKey(SettingNames.Language) ? user.Language : turn.Language };
        return after.Confirmation("Your settings are saved.", "已儲存您的設定。");
    }

    private static bool Set<T>(T? value, Action<T> apply) where T : struct
    {
        if (value is null)
            return false;
        apply(value.Value);
        return true;
    }

    private static bool Set(string? value, Action<string> apply)
    {
        if (value is null)
            return false;
        apply(value);
        return true;
    }

    private static string Problem(string key, ChatTurn turn) => key switch
    {
        SettingNames.NudgeTime => turn.T("Nudge time must be a time like 8:30.", "提醒時間必須是像 8:30 的時間。"),
        SettingNames.WorkingDays => turn.T("Working days must be days like mon-fri or mon,wed,fri.", "工作日必須像 週一至週五 或 週一、週三、週五。"),
        SettingNames.Language => turn.T("Language must be en or zh-TW.", "語言必須是 en 或 zh-TW。"),
        SettingNames.StaleThresholdDays => turn.T("Stale threshold must be a number of days from 1 to 365.", "停滯天數必須是 1 到 365 的整數。"),
        _ => turn.T("Nudges must be on or off.", "提醒必須是開或關。"),
    };

    internal static TimeOnly? ParseTime(string value)
    {
        var m = TimePattern().Match(value.ToLowerInvariant());
        if (!m.Success)
            return null;
        var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minute = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
        if (m.Groups["ap"].Value == "pm" && hour < 12)
            hour += 12;
        else if (m.Groups["ap"].Value == "am" && hour == 12)
            hour = 0;
        return hour is >= 0 and <= 23 && minute is >= 0 and <= 59 ? new TimeOnly(hour, minute) : null;
    }

    /// <summary>"mon-fri", "mon,wed,fri", "週一至週五" → a bit per <see cref="DayOfWeek"/>; null when any part is not a day.</summary>
    internal static int? ParseDays(string value)
    {
        var text = value.ToLowerInvariant().Replace("至", "-").Replace("到", "-").Replace("、", ",").Replace("週", "").Replace("周", "").Replace("星期", "");
        var mask = 0;
        foreach (var part in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2 || Day(range[0]) is not { } from || Day(range[^1]) is not { } to)
                return null;
            for (var d = from; ; d = (d + 1) % 7)
            {
                mask |= 1 << d;
                if (d == to)
                    break;
            }
        }
        return mask == 0 ? null : mask;
    }

    private static int? Day(string word)
    {
        foreach (var (w, day) in Vocabulary.EnglishDays)
            if (w == word)
                return (int)day;
        return word.Length == 1 && Vocabulary.ChineseDays.FirstOrDefault(d => d.Char == word[0]) is { Char: not '\0' } zh ? (int)zh.Day : null;
    }

    /// <summary>Monday first: "mon,tue,wed" / "週一、週二、週三" (both read back by <see cref="ParseDays"/>).</summary>
    private static string FormatDays(int mask, bool chinese)
    {
        var days = Enumerable.Range(0, 7).Select(i => (i + 1) % 7).Where(d => (mask & (1 << d)) != 0);
        return chinese
            ? string.Join("、", days.Select(d => "週" + Vocabulary.ChineseDays.First(c => (int)c.Day == d).Char))
            : string.Join(",", days.Select(d => DayKeys[d]));
    }

    private static string? ParseLanguage(string value) => value.ToLowerInvariant() switch
    {
        "en" or "english" or "英文" or "英語" => Formats.English,
        "zh" or "zh-tw" or "zh-hant" or "chinese" or "中文" or "繁體中文" or "繁中" => Formats.TraditionalChinese,
        _ => null,
    };

    private static bool? ParseToggle(string value) => value.ToLowerInvariant() switch
    {
        "on" or "true" or "yes" or "1" or "開" or "開啟" or "是" => true,
        "off" or "false" or "no" or "0" or "關" or "關閉" or "否" => false,
        _ => null,
    };

    [GeneratedRegex(@"^(?<h>\d{1,2})(?:[:.](?<m>\d{2}))?\s*(?<ap>am|pm)?$")]
    private static partial Regex TimePattern();
}
