using System.Globalization;
using CrmBot.Core.Commands;

namespace CrmBot.Core.Chat.Handlers;

/// <summary>A report question with a value it cannot use: says which and what works, instead of answering for the default.</summary>
public sealed class UnusableValueHandler : ICommandHandler
{
    public Task<Reply> HandleAsync(Command command, ChatTurn turn, CancellationToken ct)
    {
        var unusable = (UnusableValueCommand)command;
        var (kind, text) = unusable;
        // A threshold's example is the report asked about: neglected customers count days without contact, not stale deals.
        var (daysExample, daysExampleZh) = unusable.Report == ReportKind.NeglectedCustomers
            ? ("neglected customers over 60 days", "被忽略的客戶超過60天")
            : ("stale deals over 30 days", "停滯商機超過30天");
        return Task.FromResult(kind switch
        {
            UnusableValue.Days => turn.Error(
                $"I can't use “{text}”: the number of days must be between 0 and {UnusableValueCommand.MaxDays}, as in `{daysExample}`.",
                $"無法使用「{text}」：天數須介於 0 到 {UnusableValueCommand.MaxDays} 之間，例如「{daysExampleZh}」。"),
            UnusableValue.LastDays => turn.Error(
                $"I can't use “{text}”: the last N days go back from 1 to {UnusableValueCommand.MaxDays} days, as in `lost deals last 90 days`.",
                $"無法使用「{text}」：最近 N 天的天數須介於 1 到 {UnusableValueCommand.MaxDays} 之間，例如「最近90天失去的機會」。"),
            UnusableValue.LastMonths => turn.Error(
                $"I can't use “{text}”: the last N months go back from 1 to {UnusableValueCommand.MaxMonths} months, as in `win rate last 6 months`.",
                $"無法使用「{text}」：最近 N 個月的月數須介於 1 到 {UnusableValueCommand.MaxMonths} 之間，例如「最近6個月贏率」。"),
            UnusableValue.Page => turn.Error(
                $"I can't use “{text}”: pages are numbered from 1 to {UnusableValueCommand.MaxPage.ToString("#,0", CultureInfo.InvariantCulture)}, as in `stale deals page 2`.",
                $"無法使用「{text}」：頁碼須介於 1 到 {UnusableValueCommand.MaxPage.ToString("#,0", CultureInfo.InvariantCulture)} 之間，例如「停滯商機第2頁」。"),
            UnusableValue.SnoozeLength => turn.Error(
                $"I can't snooze for “{text}”: a snooze lasts 1 to {UnusableValueCommand.MaxSnoozeDays} days or until a real date, as in `snooze Acme renewal 2 weeks`.",
                $"無法延後「{text}」：延後期間須介於 1 到 {UnusableValueCommand.MaxSnoozeDays} 天，或到某個有效日期為止，例如「延後 Acme 7天」。"),
            UnusableValue.SecondPeriod => turn.Error(
                $"I answer for one period at a time, and “{text}” is a second one. Ask again with one period, as in `lost deals last quarter`.",
                $"一次只能查詢一個期間，「{text}」是第二個期間。請只指定一個期間再問一次，例如「上一季失去的機會」。"),
            _ => turn.Error($"I can't read “{text}” as a period. Try a day such as `2017-03-15`, a month such as `2017-03`, " +
                "a quarter such as `2017 Q1`, a range such as `2017-01-01 to 2017-03-31`, or `last quarter`.",
                $"無法將「{text}」解讀為期間。請試試日期（例如「2017年3月15日」）、月份（例如「2017年3月」）、季度（例如「2017年第1季」）、" +
                "日期區間（例如「2017-01-01到2017-03-31」）或「上一季」。"),
        });
    }
}
