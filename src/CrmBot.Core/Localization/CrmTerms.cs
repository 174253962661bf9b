namespace CrmBot.Core.Localization;

/// <summary>
/// The zh-TW names of the pick-list values CRMs ship with (lead statuses and sources, loss reasons, product families),
/// as Dynamics, Salesforce and Zoho show their own option labels in the user's language. The database keeps the value
/// as imported; only a reply in zh-TW shows the name. A value a company made up itself is its own word and is shown as
/// it is stored.
/// </summary>
public static class CrmTerms
{
    private static readonly Dictionary<string, string> TraditionalChinese = new(StringComparer.OrdinalIgnoreCase)
    {
        // Lead statuses (the demo data, Zoho's and Dynamics' defaults).
        ["New"] = "新增",
        ["Contacted"] = "已聯繫",
        ["Not Contacted"] = "未聯繫",
        ["Attempted to Contact"] = "已嘗試聯繫",
        ["Contact in Future"] = "日後聯繫",
        ["Nurturing"] = "培養中",
        ["Qualified"] = "合格",
        ["Pre Qualified"] = "初步合格",
        ["Unqualified"] = "不合格",
        ["Not Qualified"] = "不合格",
        ["Disqualified"] = "已取消資格",
        ["Converted"] = "已轉換",
        ["Lost"] = "已流失",
        ["Lost Lead"] = "已流失",
        ["Junk"] = "無效",
        ["Junk Lead"] = "無效",

        // Lead sources.
        ["Advertisement"] = "廣告",
        ["Cold Call"] = "陌生電訪",
        ["Email Campaign"] = "電子郵件行銷",
        ["Employee Referral"] = "員工推薦",
        ["External Referral"] = "外部推薦",
        ["Referral"] = "推薦",
        ["Partner"] = "合作夥伴",
        ["Public Relations"] = "公關",
        ["Sales Mail Alias"] = "業務信箱",
        ["Online Store"] = "線上商店",
        ["OnlineStore"] = "線上商店",
        ["Trade Show"] = "商展",
        ["Web"] = "網站",
        ["Web Research"] = "網路搜尋",
        ["Webinar"] = "網路研討會",
        ["Other"] = "其他",

        // Loss reasons.
        ["Bad timing"] = "時機不對",
        ["Lost to competitor"] = "輸給競爭對手",
        ["No budget"] = "沒有預算",
        ["No decision maker"] = "沒有決策者",
        ["No need"] = "沒有需求",
        ["Price too high"] = "價格太高",
        ["Went silent"] = "失去聯繫",

        // Product families.
        ["Hardware"] = "硬體",
        ["Software"] = "軟體",
        ["Services"] = "服務",
        ["Support"] = "技術支援",
    };

    /// <summary>The value's name in the reply's language: its zh-TW name where it has one, otherwise the value itself.</summary>
    public static string Name(string value, Formats f) =>
        f.IsChinese && TraditionalChinese.TryGetValue(value.Trim(), out var name) ? name : value;
}
