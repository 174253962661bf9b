using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Reports;

/// <summary>
/// Every query every report runs must translate to SQL Server's SQL (production), not only to SQLite: the reports
/// expose their queries, and this builds them against a SQL Server context that never connects.
/// </summary>
public sealed class SqlServerTranslationFacts
{
    public static TheoryData<ReportKind, Breakdown, TrendMetric?, string> Variants()
    {
        var data = new TheoryData<ReportKind, Breakdown, TrendMetric?, string>();
        // One person (a rep, or any plan) is compared as a scalar, a team as a list, everyone not at all: three shapes of SQL.
        foreach (var kind in ReportCatalog.All.Keys)
            foreach (var scope in kind == ReportKind.ActionPlan ? ["person"] : new[] { "person", "team", "everyone" })
                data.Add(kind, Breakdown.None, null, scope);
        data.Add(ReportKind.Pipeline, Breakdown.Partner, null, "team");
        data.Add(ReportKind.Pipeline, Breakdown.Owner, null, "everyone");
        foreach (var metric in Enum.GetValues<TrendMetric>())
            data.Add(ReportKind.Trends, Breakdown.None, metric, "team");
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Queries_TranslateToSqlServer(ReportKind kind, Breakdown breakdown, TrendMetric? metric, string scopeName)
    {
        using var db = DatabaseSetup.CreateSqlServerForScripting();
        var asker = new Asker(7, "Ann Able", "ann@example.com", UserRole.Manager, 1, [1], "Asia/Taipei", "en", null);
        var scope = scopeName switch
        {
            "person" => ReportScope.ForUser(7, "Ann Able"),
            "team" => new ReportScope("Team North", [7, 8, 9], [1]),
            _ => new ReportScope("All teams", null, []),
        };
        var request = new ReportRequest(kind) { Breakdown = breakdown, Metric = metric, Offset = 10 };
        var input = ReportRunner.Prepare(request, asker, scope, Formats.En, new DateTimeOffset(2017, 9, 30, 12, 0, 0, TimeSpan.Zero), new CrmOptions());

        var queries = ReportCatalog.All[kind].Queries(db, input).ToList();

        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var sql = query.ToQueryString();
            Assert.Contains("SELECT", sql);
            // SQL Server brackets, not SQLite quotes: this really is the SQL Server provider's SQL.
            Assert.Contains("[", sql);
        }
    }

    [Fact]
    public void Queries_FilterByTheScopeOwners_InTheSql()
    {
        using var db = DatabaseSetup.CreateSqlServerForScripting();
        var asker = new Asker(7, "Ann Able", "ann@example.com", UserRole.Rep, 1, [], "UTC", "en", null);
        var input = ReportRunner.Prepare(new ReportRequest(ReportKind.StaleDeals), asker, ReportScope.ForUser(7, "Ann Able"),
            Formats.En, new DateTimeOffset(2017, 9, 30, 12, 0, 0, TimeSpan.Zero), new CrmOptions());

        var sql = ReportCatalog.All[ReportKind.StaleDeals].Queries(db, input).First().ToQueryString();

        Assert.Contains("[o].[OwnerId]", sql);
        Assert.Contains("WHERE", sql);
    }
}
