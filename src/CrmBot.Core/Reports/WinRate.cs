using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Reports;

/// <summary>Won ÷ (won + lost) among deals in scope closed in the period; "n/a" when nothing closed. Per owner for a team.</summary>
public static class WinRate
{
    public sealed record OwnerResult(int OwnerId, string Currency, int Won, int Lost, long WonCents);

    public static IQueryable<OwnerResult> ByOwner(CrmDbContext db, ReportScope scope, DateTime start, DateTime end) =>
        db.Opportunities.InScope(scope)
            .Where(o => (o.Stage == OpportunityStage.ClosedWon || o.Stage == OpportunityStage.ClosedLost) && o.ClosedAt >= start && o.ClosedAt < end)
            .GroupBy(o => new { o.OwnerId, o.Currency })
            .Select(g => new OwnerResult(g.Key.OwnerId, g.Key.Currency,
                g.Count(o => o.Stage == OpportunityStage.ClosedWon),
                g.Count(o => o.Stage == OpportunityStage.ClosedLost),
                g.Sum(o => o.Stage == OpportunityStage.ClosedWon ? o.AmountCents ?? 0 : 0)));

    public static double? Rate(int won, int lost) => won + lost == 0 ? null : (double)won / (won + lost);

    public static IEnumerable<IQueryable> Queries(CrmDbContext db, ReportInput input) =>
        [ByOwner(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc), Leaderboard.OwnerNames(db, [1])];

    // Compiled for one person (a rep's own win rate): EF's work on the ad-hoc query was more than its SQL.
    internal static readonly CompiledDefinition<OnePerson, OwnerResult> ByOwnerOfOne = OnePerson.Compiled((db, a) => ByOwner(db, a.Scope, a.PeriodStart, a.PeriodEnd));

    public static async Task<ReportResult> RunAsync(CrmDbContext db, ReportInput input, CancellationToken ct)
    {
        var results = input.Scope.SinglePerson is { } only
            ? await ByOwnerOfOne.ToListAsync(db, OnePerson.Of(input, only, 0), ct)
            : await ByOwner(db, input.Scope, input.Period.StartUtc, input.Period.EndUtc).ToListAsync(ct);
        var won = results.Sum(r => r.Won);
        var lost = results.Sum(r => r.Lost);
        var currencies = results.Where(r => r.WonCents != 0).Select(r => r.Currency).Distinct().Order().ToList();

        var tables = new List<ResultTable>();
        if (!input.Scope.IsSingleUser)
        {
            var owners = results.GroupBy(r => r.OwnerId)
                .Select(g => new { OwnerId = g.Key, Won = g.Sum(r => r.Won), Lost = g.Sum(r => r.Lost), Amounts = g.Select(r => (r.Currency, r.WonCents)).ToList() })
                .ToList();
            var names = owners.Count == 0 ? [] : await Leaderboard.OwnerNames(db, owners.Select(o => o.OwnerId).ToList()).ToDictionaryAsync(n => n.Id, n => n.Name, ct);
            var ranked = owners
                .OrderByDescending(o => Rate(o.Won, o.Lost)).ThenByDescending(o => o.Won)
                .ThenBy(o => names.GetValueOrDefault(o.OwnerId, ""), StringComparer.Ordinal).ToList();
            tables.Add(new ResultTable
            {
                Columns =
                [
                    new(input.T("Owner", "負責人")), new(input.T("Won", "成交"), ValueKind.Count), new(input.T("Lost", "失敗"), ValueKind.Count),
                    new(input.T("Win rate", "贏率"), ValueKind.Percent), new(input.T("Won amount", "成交金額"), ValueKind.Money),
                ],
                Rows = ranked.Skip(input.Offset).Take(ReportRequest.PageSize).Select(o =>
                {
                    var name = names.GetValueOrDefault(o.OwnerId, "?");
                    var user = input.Ref(RecordKind.User, o.OwnerId, name);
                    return new Row([new Cell(name, Record: user), input.Count(o.Won), input.Count(o.Lost), input.Percent(Rate(o.Won, o.Lost)), input.MoneyByCurrency(o.Amounts)])
                        { Record = user };
                }).ToList(),
                Offset = input.Offset, TotalRows = ranked.Count, NextPage = input.NextPage(ranked.Count),
            });
        }

        return input.Result(input.T("Win rate", "贏率")) with
        {
            Facts =
            [
                new Fact(input.T("Win rate", "贏率"), input.Percent(Rate(won, lost))),
                new Fact(input.T("Won", "成交"), input.Count(won)),
                new Fact(input.T("Lost", "失敗"), input.Count(lost)),
                new Fact(input.T("Won amount", "成交金額"), input.MoneyByCurrency(results.GroupBy(r => r.Currency).Select(g => (g.Key, g.Sum(r => r.WonCents))))),
            ],
            Tables = tables,
            Notes = currencies.Count > 1 ? [input.MixedCurrencyNote(currencies)] : [],
            Actions =
            [
                new SuggestedAction(input.T("Compare year on year", "年增比較"), input.T("compare yoy", "年增比較")),
                new SuggestedAction(input.T("Lost deals", "失去的商機"), input.T("lost this quarter", "本季失去的機會")),
            ],
        };
    }
}
