using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class TrendsFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 9, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public TrendsFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    // "won count by product family yoy" keeps its breakdown (only the won amount becomes a per-family metric): the
    // answer names the question that works, in the asker's language.
    [Theory]
    [InlineData("won count by product family yoy", false, "Only the won amount is compared by product family, as in `won amount by product family yoy`.")]
    [InlineData("won count by product family yoy", true, "只有成交金額可以依產品系列比較，例如「依產品系列的成交金額年增比較」。")]
    public async Task RunAsync_PointsToTheWonAmount_WhenAnotherMetricIsAskedByProductFamily(string text, bool chinese, string says)
    {
        var rep = _crm.Rep("Ann");
        var request = Assert.IsType<ReportCommand>(CommandParser.Parse(text)).Request;

        var outcome = await _crm.RunAsync(request, rep, Now);

        Assert.Equal(says, Assert.IsType<BreakdownNotShown>(outcome).Text(chinese));
        // Both examples are questions the bot answers that way.
        foreach (var example in new[] { "won amount by product family yoy", "依產品系列的成交金額年增比較" })
            Assert.Equal(TrendMetric.WonAmountByProductFamily, Assert.IsType<ReportCommand>(CommandParser.Parse(example)).Request.Metric);
    }

    private static string Line(Row r) => string.Join("|", r.Cells.Select(c => c.Text));

    [Fact]
    public async Task RunAsync_ComparesWithTheSameQuarterAYearEarlier_ForYoy()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 1500, CrmBuilder.Utc(2017, 8, 1));
        _crm.Won(rep, 1000, CrmBuilder.Utc(2016, 8, 1));
        _crm.Won(rep, 7777, CrmBuilder.Utc(2016, 10, 1)); // Q4 2016: in neither

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy }, rep, Now);

        Assert.Equal("Won amount|$1,500|$1,000|+$500|+50.00%", Line(result.Tables[0].Rows.Single()));
        Assert.Equal("Ann · 2017 Q3 vs 2016 Q3 · as of 2017-09-20", result.Context);
    }

    [Theory]
    [InlineData("en", "2017 Q3 is not over yet: it is compared so far with all of 2016 Q3.")]
    [InlineData("zh-TW", "2017年第3季尚未結束：目前為止的數字與整個2016年第3季比較。")]
    public async Task RunAsync_SaysAPeriodIsNotOver_AndHowToCompareTheSameDays(string language, string says)
    {
        var rep = _crm.Rep("Ann");
        rep.Language = language;
        _crm.Won(rep, 1500, CrmBuilder.Utc(2017, 8, 1));
        _crm.Won(rep, 1000, CrmBuilder.Utc(2016, 8, 1));
        _crm.Won(rep, 400, CrmBuilder.Utc(2016, 9, 25)); // after Sep 20 of last year: in the whole quarter, not the same days

        var whole = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy }, rep, Now);
        var note = Assert.Single(whole.Notes);
        Assert.StartsWith(says, note);
        var suggested = System.Text.RegularExpressions.Regex.Match(note, "[`「](.+)[`」]").Groups[1].Value;
        var command = Assert.IsType<ReportCommand>(CommandParser.Parse(suggested, new ParseContext("CrmBot")));
        var sameDays = await _crm.AnswerAsync(command.Request, rep, Now);

        static string Baseline(ReportResult r) => System.Text.RegularExpressions.Regex.Replace(r.Tables[0].Rows.Single().Cells[2].Text, "[^0-9,]", "");
        Assert.Equal("1,400", Baseline(whole));
        Assert.Equal("1,000", Baseline(sameDays));
        Assert.Empty(sameDays.Notes);
    }

    [Fact]
    public async Task RunAsync_SuggestsNoCommand_ThatWouldDropTheSubject()
    {
        // "compare yoy for Ann" typed back as "compare yoy <days>" would be about the asker, not Ann.
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        _crm.Rep("Ann", team);

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy, Subject = SubjectSpec.User("Ann") }, manager, Now);

        Assert.Equal("2017 Q3 is not over yet: it is compared so far with all of 2016 Q3.", Assert.Single(result.Notes));
    }

    [Fact]
    public async Task RunAsync_SaysNothingOfAPeriod_ThatIsOver()
    {
        var rep = _crm.Rep("Ann");

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy, Period = PeriodSpec.ForQuarter(2017, 2) }, rep, Now);

        Assert.Empty(result.Notes);
    }

    [Fact]
    public async Task RunAsync_SaysNotApplicable_ForPercentChangeAgainstAZeroBaseline()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 1500, CrmBuilder.Utc(2017, 8, 1));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy, Metric = TrendMetric.WonCount }, rep, Now);

        Assert.Equal("Deals won|1|0|+1|n/a", Line(result.Tables[0].Rows.Single()));
    }

    [Fact]
    public async Task RunAsync_ComparesMonthToDate_WithTheSameDaysOfLastMonth()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 9, 20, 11)); // today, before now
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 9, 1));
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 8, 20, 23)); // the 20th of last month: in the baseline
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 8, 21)); // after the same span: not

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Mtd, Metric = TrendMetric.WonCount }, rep, Now);

        Assert.Equal("Deals won|2|1|+1|+100.00%", Line(result.Tables[0].Rows.Single()));
        Assert.Equal("MTD (Sep 1, 2017 – Sep 20, 2017)", result.Facts[0].Value.Text);
        Assert.Equal("Aug 1, 2017 – Aug 20, 2017", result.Facts[1].Value.Text);
    }

    // The same days of the month a month earlier, as far as that month goes; the whole month when today ends one.
    [Theory]
    [InlineData("2017-03-27", "Feb 1, 2017 – Feb 27, 2017", 0)]
    [InlineData("2017-03-28", "Feb 2017", 1)]
    [InlineData("2017-03-30", "Feb 2017", 1)]
    [InlineData("2017-04-29", "Mar 1, 2017 – Mar 29, 2017", 0)]
    [InlineData("2017-04-30", "Mar 2017", 1)]
    [InlineData("2017-05-30", "Apr 2017", 2)]
    public async Task RunAsync_ComparesMonthToDate_WithTheSameDaysOfLastMonth_AtAMonthsEnd(string today, string baseline, int wonInBaseline)
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 2, 28, 12));
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 3, 31, 12));
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 4, 29, 12));
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 4, 30, 12));
        var now = new DateTimeOffset(DateTime.Parse(today).AddHours(20), TimeSpan.Zero);

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Mtd, Metric = TrendMetric.WonCount }, rep, now);

        Assert.Equal(baseline, result.Facts[1].Value.Text);
        Assert.Equal(wonInBaseline.ToString(), result.Tables[0].Rows.Single().Cells[2].Text);
    }

    [Fact]
    public async Task RunAsync_ComparesYearToDate_WithTheSameSpanLastYear()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 300, CrmBuilder.Utc(2017, 2, 1));
        _crm.Lost(rep, 300, CrmBuilder.Utc(2017, 3, 1));
        _crm.Won(rep, 300, CrmBuilder.Utc(2016, 2, 1));
        _crm.Won(rep, 300, CrmBuilder.Utc(2016, 3, 1));
        _crm.Lost(rep, 300, CrmBuilder.Utc(2016, 12, 1)); // after Sep 20, 2016

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Ytd, Metric = TrendMetric.WinRate }, rep, Now);

        Assert.Equal("Win rate|50.00%|100.00%|-50.00 pts|-50.00%", Line(result.Tables[0].Rows.Single()));
    }

    [Fact]
    public async Task RunAsync_ComparesWithThePreviousMonth_ForMom()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 300, CrmBuilder.Utc(2017, 9, 2));
        _crm.Won(rep, 400, CrmBuilder.Utc(2017, 8, 31, 23));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Mom }, rep, Now);

        Assert.Equal("Won amount|$300|$400|-$100|-25.00%", Line(result.Tables[0].Rows.Single()));
        Assert.Equal(["Sep 2017", "Aug 2017"], result.Chart!.Series.Select(s => s.Legend));
    }

    [Fact]
    public async Task RunAsync_BreaksWonAmountDownByProductFamily()
    {
        var rep = _crm.Rep("Ann");
        var laptop = _crm.Product("Laptop", "Hardware");
        var support = _crm.Product("Support", "Services");
        var now = _crm.Won(rep, 0, CrmBuilder.Utc(2017, 8, 1));
        _crm.LineItem(now, laptop, 1000, quantity: 2);
        _crm.LineItem(now, support, 300);
        var before = _crm.Won(rep, 0, CrmBuilder.Utc(2016, 8, 1));
        _crm.LineItem(before, laptop, 500);
        _crm.Won(rep, 999, CrmBuilder.Utc(2017, 8, 2)); // no products

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy, Metric = TrendMetric.WonAmountByProductFamily }, rep, Now);

        Assert.Equal(["Hardware|$2,000|$500|+$1,500|+300.00%", "Services|$300|$0|+$300|n/a"], result.Tables[0].Rows.Select(Line));
        Assert.Contains(result.Notes, n => n.StartsWith("1 won deals have no products"));
    }

    [Fact]
    public async Task RunAsync_BreaksWonAmountDownByOpportunityType()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 8, 1), type: OpportunityType.Renewal);
        _crm.Won(rep, 200, CrmBuilder.Utc(2016, 8, 1), type: OpportunityType.Renewal);
        _crm.Won(rep, 50, CrmBuilder.Utc(2017, 8, 1), type: OpportunityType.Upsell);

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Trends) { Compare = TrendComparison.Yoy, Metric = TrendMetric.WonAmountByType }, rep, Now);

        Assert.Equal(["Upsell|$50|$0|+$50|n/a", "Renewal|$100|$200|-$100|-50.00%"], result.Tables[0].Rows.Select(Line));
    }
}
