using CrmBot.Core.Chat;
using CrmBot.Core.Commands;

namespace CrmBot.Slack.Inbound;

/// <summary>The few words the Slack edge says itself (before or without the engine), in en and zh-TW.</summary>
internal static class SlackTexts
{
    public const string English = "en";
    public const string TraditionalChinese = "zh-TW";

    /// <summary>The user's language before we know who they are: Chinese characters mean zh-TW.</summary>
    /// <summary>The language of a typed text, by the parser's rule; English when it cannot tell.</summary>
    public static string LanguageOf(string? text) => CommandParser.LanguageOf(text) ?? English;

    public static string Working(string language, string text) => language == TraditionalChinese
        ? $"處理中：{text}…" : $"Working on “{text}”…";

    public static string Busy(string language) => language == TraditionalChinese
        ? "目前請求過多，請稍後再試。" : "I'm busy right now. Please try again in a minute.";

    public static Reply NotLinked(string language, string? email, bool guest = false) => new()
    {
        Kind = ReplyKind.NotLinked,
        Language = language,
        Visibility = Visibility.Private,
        Title = language == TraditionalChinese ? "尚未連結 CRM 帳號" : "Your Slack account is not linked to the CRM",
        Text = (language, email, guest) switch
        {
            (TraditionalChinese, _, true) => "訪客帳號不會自動連結 CRM 使用者。請 CRM 管理員為您連結帳號。",
            (_, _, true) => "Guest accounts are not linked to the CRM automatically. Please ask your CRM admin to link your account.",
            (TraditionalChinese, null, _) => "您的 Slack 個人資料沒有電子郵件，無法連結 CRM 使用者。請聯絡 CRM 管理員。",
            (TraditionalChinese, _, _) => $"找不到電子郵件為 {email} 的 CRM 使用者。請 CRM 管理員以此電子郵件建立您的帳號。",
            (_, null, _) => "Your Slack profile has no e-mail address, so I can't find your CRM user. Please ask your CRM admin to link you.",
            _ => $"I couldn't find a CRM user with the e-mail {email}. Please ask your CRM admin to add you with that address.",
        },
    };

    public static Reply Failed(string language) => new()
    {
        Kind = ReplyKind.Error,
        Language = language,
        Visibility = Visibility.Private,
        Title = language == TraditionalChinese ? "發生錯誤" : "Something went wrong",
        Text = language == TraditionalChinese ? "抱歉，無法完成這個要求。請稍後再試。" : "Sorry, I couldn't answer that just now. Please try again in a moment.",
    };

    /// <summary>Slack's refusal in words; its error code goes to the log, not to the user.</summary>
    public static string SlackRefused(string language, string error, string? method = null) => (error, language == TraditionalChinese) switch
    {
        // A form opened from a queued click after Slack's 3 s window (trigger ids expire).
        ("expired_trigger_id" or "invalid_trigger_id", true) => "表單開啟得太慢，Slack 不再接受。請再按一次按鈕。",
        ("expired_trigger_id" or "invalid_trigger_id", false) => "The form took too long to open and Slack no longer accepts it. Please press the button again.",
        ("not_in_channel" or "channel_not_found", true) => "我無法在那個頻道發言。請用 /invite 邀請我加入，或在私訊中問我。",
        ("not_in_channel" or "channel_not_found", false) => "I can't post in that channel. Invite me with /invite, or ask me in a direct message.",
        // Anything else Slack refuses will be refused again: nothing for the user to retry; the code is in the log.
        (_, true) => method == "views.open" ? "Slack 沒有接受這個表單。請告訴您的 CRM 管理員，詳情記錄在機器人的日誌中。" : "Slack 沒有接受我的回覆。請告訴您的 CRM 管理員，詳情記錄在機器人的日誌中。",
        (_, false) => method == "views.open" ? "Slack didn't accept the form. Please tell your CRM admin; the details are in the bot's log." : "Slack didn't accept my answer. Please tell your CRM admin; the details are in the bot's log.",
    };

    public static string ChartRefused(string language) => language == TraditionalChinese
        ? "圖表無法附上（Slack 沒有接受圖片），我回覆中的數字是完整的。" : "The chart could not be attached (Slack didn't accept the image); the figures in my answer are complete.";

    public static string Cancel(string language) => language == TraditionalChinese ? "取消" : "Cancel";

    public static string Required(string language) => language == TraditionalChinese ? "請填寫此欄。" : "Please fill this in.";

}
