using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;

namespace CrmBot.Core.Scheduling;

/// <summary>The nudge DM as a neutral reply: one table row per item, each with its buttons.</summary>
public static class NudgeMessage
{
    public static Reply Build(NudgePlan plan, User rep)
    {
        var f = Formats.For(rep.Language);
        var zh = f.IsChinese;
        var rows = plan.Items.Select(i => Row(i, f)).ToList();
        var rest = plan.TotalItems - plan.Items.Count;
        var title = zh ? "今天該跟進的商機與客戶" : "Deals and customers to follow up today";
        var scope = rep.Name;
        var report = new ReportResult
        {
            Kind = ReportKind.StaleDeals,
            Language = f.Language,
            Title = title,
            Scope = scope,
            AsOf = plan.LocalDate,
            Context = $"{scope} · {f.AsOf(plan.LocalDate)}",
            Facts = [new Fact(zh ? "待跟進" : "To follow up", new Cell(f.Count(plan.TotalItems), ValueKind.Count, plan.TotalItems))],
            Tables =
            [
                new ResultTable
                {
                    Columns =
                    [
                        new Column(zh ? "項目" : "Item"), new Column(zh ? "原因" : "Why"),
                        new Column(zh ? "未聯繫天數" : "Days untouched", ValueKind.Days), new Column(zh ? "金額" : "Amount", ValueKind.Money),
                    ],
                    Rows = rows,
                    TotalRows = plan.TotalItems,
                }.WithEvenMoney(f),
            ],
            Notes = rest > 0 ? [zh ? $"另有 {f.Count(rest)} 項未列出。" : $"…and {f.Count(rest)} more not listed."] : [],
            HasPersonalRecords = true,
        };
        return new Reply
        {
            Kind = ReplyKind.Nudge,
            Language = f.Language,
            Title = title,
            Text = zh ? $"您有 {f.Count(plan.TotalItems)} 個商機或客戶需要跟進。" : $"You have {f.Count(plan.TotalItems)} deals or customers to follow up.",
            Report = report,
            Visibility = Visibility.Private,
        };
    }

    private static Row Row(NudgeCandidate item, Formats f)
    {
        var zh = f.IsChinese;
        var record = new RecordRef(item.Kind, item.Id, item.Name);
        var name = item.AccountName is null ? item.Name : $"{item.Name} ({item.AccountName})";
        var amount = item.AmountCents is { } cents
            ? new Cell(f.MoneyCents(cents, item.Currency), ValueKind.Money, cents / 100m, item.Currency)
            : new Cell("", ValueKind.Money);
        return new Row(
        [
            new Cell(name, Record: record),
            Cell.Of(Why(item, f)),
            new Cell(f.Days(item.DaysUntouched), ValueKind.Days, item.DaysUntouched),
            amount,
        ])
        {
            Record = record,
            Actions =
            [
                new RowAction(RowActionKind.LogCall, zh ? "記錄通話" : "Log a call", record),
                new RowAction(RowActionKind.LogEmail, zh ? "記錄郵件" : "Log an email", record),
                new RowAction(RowActionKind.Snooze, zh ? "延後 7 天" : "Snooze 7 days", record, 7),
                new RowAction(RowActionKind.Snooze, zh ? "延後 30 天" : "Snooze 30 days", record, 30),
                new RowAction(RowActionKind.Snooze, zh ? "延後至…" : "Snooze until…", record),
                new RowAction(RowActionKind.OpenInCrm, zh ? "在 CRM 開啟" : "Open in CRM", record),
            ],
        };
    }

    private static string Why(NudgeCandidate item, Formats f) => (item.Reason, f.IsChinese) switch
    {
        (NudgeReasons.Closing, false) => $"Expected close {f.Date(item.ExpectedClose!.Value)}",
        (NudgeReasons.Closing, true) => $"預計結案 {f.Date(item.ExpectedClose!.Value)}",
        (NudgeReasons.Neglected, false) => "Customer not contacted",
        (NudgeReasons.Neglected, true) => "客戶久未聯繫",
        (_, false) => "Deal not touched",
        (_, true) => "商機停滯",
    };
}
