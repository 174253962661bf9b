using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Localization;
using CrmBot.Core.Time;

namespace CrmBot.Core.Reports;

/// <summary>
/// Everything a report needs, resolved before it queries: who asks, whose records (scope), which period,
/// the clock and the language. Reports build their queries from this alone, so a test can build the same
/// queries against another provider.
/// </summary>
public sealed record ReportInput(
    ReportRequest Request, Asker Asker, ReportScope Scope, ResolvedPeriod Period, PeriodResolver Time, Formats F, CrmOptions Options,
    ReportThresholds Thresholds)
{
    public DateTime NowUtc => Time.Now.UtcDateTime;

    public DateOnly Today => Time.Today;

    /// <summary>Picks the text of the asker's language.</summary>
    public string T(string en, string zhTw) => F.IsChinese ? zhTw : en;

    public int Offset => Math.Max(0, Request.Offset);

    /// <summary>Where the page ends; card data can carry any offset, so it must not overflow.</summary>
    public int PageEnd => PageEndAfter(Offset);

    public static int PageEndAfter(int offset) => offset > int.MaxValue - ReportRequest.PageSize ? int.MaxValue : offset + ReportRequest.PageSize;

    /// <summary>The same request one page further, when rows remain.</summary>
    public ReportRequest? NextPage(int totalRows) =>
        PageEnd < totalRows ? Request with { Offset = PageEnd } : null;

    public RecordRef Ref(RecordKind kind, int id, string name) => new(kind, id, name) { Url = UrlOf(kind, id) };

    /// <summary>
    /// Row buttons: the owner may log a call or an e-mail and snooze (an open deal or an account: a closed deal is never
    /// nudged); anyone in scope may open the record.
    /// </summary>
    public IReadOnlyList<RowAction> ActionsFor(RecordRef record, int? ownerId, bool closed = false)
    {
        var actions = new List<RowAction>();
        if (ownerId == Asker.UserId && record.Kind is RecordKind.Opportunity or RecordKind.Account)
        {
            actions.Add(new RowAction(RowActionKind.LogCall, T("Log call", "記錄通話"), record));
            actions.Add(new RowAction(RowActionKind.LogEmail, T("Log email", "記錄郵件"), record));
            if (!closed)
                actions.Add(new RowAction(RowActionKind.Snooze, T("Snooze 7 days", "延後 7 天"), record, 7));
        }
        else if (ownerId == Asker.UserId && record.Kind == RecordKind.Lead)
        {
            actions.Add(new RowAction(RowActionKind.LogCall, T("Log call", "記錄通話"), record));
            actions.Add(new RowAction(RowActionKind.LogEmail, T("Log email", "記錄郵件"), record));
        }
        if (record.Url is not null)
            actions.Add(new RowAction(RowActionKind.OpenInCrm, T("Open in CRM", "在 CRM 開啟"), record));
        return actions;
    }

    public Row RecordRow(RecordRef record, int? ownerId, params Cell[] cells) =>
        new(cells) { Record = record, Actions = ActionsFor(record, ownerId) };

    public Row ClosedDealRow(RecordRef deal, int ownerId, params Cell[] cells) =>
        new(cells) { Record = deal, Actions = ActionsFor(deal, ownerId, closed: true) };

    /// <summary>"as of 2017-09-30" / "截至 2017年9月30日": the date every answer states.</summary>
    public string AsOfText => F.AsOf(Today);

    /// <summary>A result with the title, scope, period and "as of" every answer states.</summary>
    public ReportResult Result(string title, bool withPeriod = true)
    {
        var periodLabel = withPeriod ? Period.Label : null;
        var asOf = AsOfText;
        return new ReportResult
        {
            Kind = Request.Kind,
            Language = F.Language,
            Title = title,
            Scope = Scope.Label,
            Period = periodLabel,
            PeriodStart = withPeriod && !Period.IsAllTime ? new DateTimeOffset(Period.StartUtc, TimeSpan.Zero) : null,
            PeriodEnd = withPeriod && !Period.IsAllTime ? new DateTimeOffset(Period.EndUtc, TimeSpan.Zero) : null,
            AsOf = Today,
            Context = string.Join(" · ", new[] { Scope.Label, periodLabel, asOf }.Where(x => x is not null)),
        };
    }

    // Cell helpers: formatted text plus the raw figure.
    public Cell Count(long n) => new(F.Count(n), ValueKind.Count, n);

    public Cell Money(long cents, string currency) => new(F.MoneyCents(cents, currency), ValueKind.Money, cents / 100m, currency);

    public Cell Percent(double? ratio) => new(F.Percent(ratio), ValueKind.Percent, ratio is null ? null : (decimal)ratio.Value);

    public Cell Days(int n) => new(F.Days(n), ValueKind.Days, n);

    public Cell Date(DateTime utc) => Date(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Time.Zone)));

    public Cell Date(DateOnly d) => new(F.Date(d), ValueKind.Date);

    public Cell Text(string? s) => new(string.IsNullOrEmpty(s) ? "—" : s);

    /// <summary>Money per currency, never summed across currencies: "$1,000 + €200".</summary>
    public Cell MoneyByCurrency(IEnumerable<(string Currency, long Cents)> amounts) => MoneyByCurrency(F, Options.DefaultCurrency, amounts);

    /// <inheritdoc cref="MoneyByCurrency(IEnumerable{ValueTuple{string, long}})"/>
    public static Cell MoneyByCurrency(Formats f, string defaultCurrency, IEnumerable<(string Currency, long Cents)> amounts)
    {
        var list = amounts.Where(a => a.Cents != 0).OrderByDescending(a => a.Cents).ToList();
        if (list.Count == 0)
            return new(f.MoneyCents(0, defaultCurrency), ValueKind.Money, 0m, defaultCurrency);
        if (list.Count == 1)
            return new(f.MoneyCents(list[0].Cents, list[0].Currency), ValueKind.Money, list[0].Cents / 100m, list[0].Currency);
        return new Cell(string.Join(" + ", list.Select(a => f.MoneyCents(a.Cents, a.Currency))), ValueKind.Money);
    }

    public string MixedCurrencyNote(IEnumerable<string> currencies) => MixedCurrencyNote(F, currencies);

    public static string MixedCurrencyNote(Formats f, IEnumerable<string> currencies) => f.IsChinese
        ? $"金額含多種貨幣（{string.Join("、", currencies)}），分別列出，不相加。"
        : $"Amounts are in several currencies ({string.Join(", ", currencies)}) and are shown per currency, never added together.";

    public static string StageName(Data.OpportunityStage stage, Formats f) => stage switch
    {
        Data.OpportunityStage.Prospecting => f.IsChinese ? "潛在開發" : "Prospecting",
        Data.OpportunityStage.Qualification => f.IsChinese ? "資格審查" : "Qualification",
        Data.OpportunityStage.NeedsAnalysis => f.IsChinese ? "需求分析" : "Needs Analysis",
        Data.OpportunityStage.Proposal => f.IsChinese ? "提案" : "Proposal",
        Data.OpportunityStage.Negotiation => f.IsChinese ? "議價" : "Negotiation",
        Data.OpportunityStage.ClosedWon => f.IsChinese ? "成交" : "Closed Won",
        _ => f.IsChinese ? "失敗" : "Closed Lost",
    };

    private string? UrlOf(RecordKind kind, int id) =>
        string.IsNullOrWhiteSpace(Options.RecordUrlTemplate)
            ? null
            : Options.RecordUrlTemplate.Replace("{kind}", kind.ToString().ToLowerInvariant()).Replace("{id}", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
