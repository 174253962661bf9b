using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

/// <summary>
/// The CRM's standard pick-list values (loss reasons, lead sources and statuses, product families) are named in the
/// reply's language; a value a company made up is shown as stored, in either language.
/// </summary>
public sealed class CrmTermsFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 9, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;
    private readonly User _english;
    private readonly User _chinese;

    public CrmTermsFacts()
    {
        _crm = new CrmBuilder(_db);
        _english = _crm.User("Ann Able", UserRole.Rep, null, "UTC", "en");
        _chinese = _crm.User("Lin Mei", UserRole.Rep, null, "Asia/Taipei", "zh-TW");
        foreach (var rep in new[] { _english, _chinese })
        {
            _crm.Lost(rep, 900, CrmBuilder.Utc(2017, 9, 2), reason: "Price too high");
            _crm.Lost(rep, 500, CrmBuilder.Utc(2017, 9, 3), reason: "Went with the nephew's firm");
            _crm.Lead(rep, "Trade Show", "Not Contacted", CrmBuilder.Utc(2017, 9, 10));
            _crm.Lead(rep, "Word of mouth", "Nurturing", CrmBuilder.Utc(2017, 9, 11));
            _crm.Lead(rep, "Online Store", "Lost", CrmBuilder.Utc(2017, 9, 12));
            _crm.Lead(rep, "OnlineStore", "Lost Lead", CrmBuilder.Utc(2017, 9, 13));
            var won = _crm.Won(rep, 0, CrmBuilder.Utc(2017, 8, 1));
            _crm.LineItem(won, _crm.Product($"Laptop of {rep.Name}", "Hardware"), 1000);
            _crm.LineItem(won, _crm.Product($"Kit of {rep.Name}", "Bespoke kits"), 100);
        }
        _crm.Save();
    }

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private static IEnumerable<string> Texts(ReportResult result) =>
        result.Tables.SelectMany(t => t.Rows).SelectMany(r => r.Cells).Select(c => c.Text)
            .Concat(result.Chart is { } chart ? chart.Categories.Concat(chart.Series.Select(s => s.Legend)) : []);

    [Fact]
    public async Task LostDeals_NameTheStandardReasonInChinese_AndKeepTheCompanysOwn()
    {
        var zh = Texts(await _crm.AnswerAsync(new ReportRequest(ReportKind.LostDeals) { Period = PeriodSpec.Of(PeriodKind.ThisQuarter) }, _chinese, Now)).ToList();
        var en = Texts(await _crm.AnswerAsync(new ReportRequest(ReportKind.LostDeals) { Period = PeriodSpec.Of(PeriodKind.ThisQuarter) }, _english, Now)).ToList();

        Assert.Contains("價格太高", zh);
        Assert.DoesNotContain("Price too high", zh);
        Assert.Contains("Went with the nephew's firm", zh);
        Assert.Contains("Price too high", en);
        Assert.DoesNotContain("價格太高", en);
    }

    [Fact]
    public async Task Leads_NameStandardSourcesAndStatusesInChinese_InTablesAndChart()
    {
        var zh = await _crm.AnswerAsync(new ReportRequest(ReportKind.Leads) { Period = PeriodSpec.Of(PeriodKind.ThisMonth) }, _chinese, Now);
        var en = await _crm.AnswerAsync(new ReportRequest(ReportKind.Leads) { Period = PeriodSpec.Of(PeriodKind.ThisMonth) }, _english, Now);

        Assert.Superset(new HashSet<string> { "商展", "未聯繫", "培養中", "Word of mouth" }, Texts(zh).ToHashSet());
        Assert.Contains("商展", zh.Chart!.Categories);
        Assert.Contains("培養中", zh.Chart.Series.Select(s => s.Legend));
        Assert.DoesNotContain(Texts(zh), t => t is "Trade Show" or "Not Contacted" or "Nurturing");
        Assert.Superset(new HashSet<string> { "Trade Show", "Not Contacted", "Nurturing", "Word of mouth" }, Texts(en).ToHashSet());
        // Two stored values with one Chinese name are one row and one series, with both counts.
        Assert.Equal(["線上商店", "2"], zh.Tables.Single(t => t.Title == "各來源轉換率").Rows.Select(r => r.Cells.Take(2).Select(c => c.Text)).Single(c => c.First() == "線上商店"));
        Assert.Single(zh.Chart.Series, s => s.Legend == "已流失");
        Assert.Equal(2, zh.Chart.Series.Single(s => s.Legend == "已流失").Values.Sum());
    }

    [Fact]
    public async Task WonAmountByProductFamily_NamesStandardFamiliesInChinese()
    {
        var request = new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy, Metric = TrendMetric.WonAmountByProductFamily };
        var zh = Texts(await _crm.AnswerAsync(request, _chinese, Now)).ToList();
        var en = Texts(await _crm.AnswerAsync(request, _english, Now)).ToList();

        Assert.Contains("硬體", zh);
        Assert.Contains("Bespoke kits", zh);
        Assert.Contains("Hardware", en);
    }

    [Theory]
    [InlineData("price too high", "價格太高")]     // as typed by whoever filled the pick list
    [InlineData(" Web ", "網站")]
    [InlineData("Webs", "Webs")]
    public void Name_MatchesTheWholeValue_IgnoringCaseAndSpaces(string value, string expected)
    {
        Assert.Equal(expected, CrmTerms.Name(value, Formats.ZhTw));
        Assert.Equal(value, CrmTerms.Name(value, Formats.En));
    }
}
