using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class LeadsFacts : IDisposable
{
    private static readonly DateTime NowUtc = CrmBuilder.Utc(2017, 9, 30, 12);
    private static readonly DateTimeOffset Now = new(NowUtc);
    private static readonly ReportRequest September = new(ReportKind.Leads) { Period = PeriodSpec.ForMonth(2017, 9) };
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public LeadsFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    [Fact]
    public async Task RunAsync_ConvertsPerSource_AmongLeadsCreatedInThePeriod()
    {
        var rep = _crm.Rep("Ann");
        _crm.Lead(rep, "Web", "Converted", CrmBuilder.Utc(2017, 9, 1), converted: CrmBuilder.Utc(2017, 9, 5));
        _crm.Lead(rep, "Web", "Contacted", CrmBuilder.Utc(2017, 9, 2));
        _crm.Lead(rep, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 3));
        _crm.Lead(rep, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 4));
        _crm.Lead(rep, "Referral", "Converted", CrmBuilder.Utc(2017, 9, 10), converted: CrmBuilder.Utc(2017, 9, 11));
        _crm.Lead(rep, "Referral", "Converted", CrmBuilder.Utc(2017, 8, 10), converted: CrmBuilder.Utc(2017, 9, 11)); // created in August
        _crm.Lead(rep, "Trade show", "Lost Lead", CrmBuilder.Utc(2017, 9, 12));

        var result = await _crm.AnswerAsync(September, rep, Now);

        var conversion = result.Tables[1].Rows.Select(r => string.Join("|", r.Cells.Select(c => c.Text))).ToList();
        Assert.Equal(["Web|4|1|25.00%", "Referral|1|1|100.00%", "Trade show|1|0|0.00%"], conversion);
        Assert.Equal("6", result.Facts[0].Value.Text);
        Assert.Equal("33.33%", result.Facts[2].Value.Text);
    }

    [Fact]
    public async Task RunAsync_StacksStatusesPerSource()
    {
        var rep = _crm.Rep("Ann");
        _crm.Lead(rep, "Web", "Contacted", CrmBuilder.Utc(2017, 9, 2));
        _crm.Lead(rep, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 3));
        _crm.Lead(rep, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 4));
        _crm.Lead(rep, "Email", "Contacted", CrmBuilder.Utc(2017, 9, 4));

        var chart = (await _crm.AnswerAsync(September, rep, Now)).Chart!;

        Assert.Equal(["Web", "Email"], chart.Categories);
        Assert.Equal([2, 0], chart.Series.Single(s => s.Legend == "Not Contacted").Values);
        Assert.Equal([1, 1], chart.Series.Single(s => s.Legend == "Contacted").Values);
    }

    [Theory]
    [InlineData("en", " as of Sep 30, 2017")]
    [InlineData("zh-TW", "截至2017年9月30日")]
    public async Task RunAsync_ForAPeriodThatHasEnded_NamesTheDayItsOpenLeadsAreCountedOn(string language, string day)
    {
        var rep = _crm.User("Ann", UserRole.Rep, language: language);
        _crm.Lead(rep, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 20));

        var august = await _crm.AnswerAsync(new ReportRequest(ReportKind.Leads) { Period = PeriodSpec.ForMonth(2017, 8) }, rep, Now);
        var october = await _crm.AnswerAsync(new ReportRequest(ReportKind.Leads) { Period = PeriodSpec.ForMonth(2017, 10) }, rep, Now);
        var september = await _crm.AnswerAsync(September, rep, Now);

        // August's and October's cards list September's lead: as of today, under headings that say so.
        Assert.Equal("1", august.Facts[3].Value.Text);
        foreach (var other in new[] { august, october })
            Assert.All(new[] { other.Facts[3].Label, other.Tables[0].Title!, other.Tables[2].Title! }, title => Assert.Contains(day, title));
        Assert.All(new[] { september.Facts[3].Label, september.Tables[0].Title!, september.Tables[2].Title! }, title => Assert.DoesNotContain(day, title));
    }

    // The follow-up "leads last month" would show again the card it sits on (the runner drops such follow-ups).
    [Theory]
    [InlineData("en", "leads last month")]
    [InlineData("zh-TW", "上個月潛在客戶")]
    public async Task RunAsync_OffersLastMonth_OnlyWhereItIsNotWhatIsShown(string language, string followUp)
    {
        var rep = _crm.User("Ann", UserRole.Rep, language: language);
        var october = new DateTimeOffset(CrmBuilder.Utc(2017, 10, 15, 12));

        var lastMonth = await _crm.AnswerAsync(September, rep, october);
        var thisMonth = await _crm.AnswerAsync(new ReportRequest(ReportKind.Leads) { Period = PeriodSpec.ForMonth(2017, 10) }, rep, october);

        Assert.DoesNotContain(lastMonth.Actions, a => a.CommandText == followUp);
        Assert.Contains(thisMonth.Actions, a => a.CommandText == followUp);
    }

    [Fact]
    public async Task RunAsync_BucketsOpenLeadsByAge()
    {
        var rep = _crm.Rep("Ann");
        foreach (var days in new[] { 0, 7, 8, 30, 31, 90, 91, 400 })
            _crm.Lead(rep, "Web", "Not Contacted", NowUtc.AddDays(-days).AddMinutes(-1));
        _crm.Lead(rep, "Web", "Converted", NowUtc.AddDays(-3), converted: NowUtc.AddDays(-1));
        _crm.Lead(rep, "Web", "Junk Lead", NowUtc.AddDays(-3));
        _crm.Lead(rep, "Web", "Unqualified", NowUtc.AddDays(-3));   // HubSpot's closed status, and the demo data's

        var result = await _crm.AnswerAsync(September, rep, Now);

        Assert.Equal(["2", "2", "2", "2"], result.Tables[2].Rows.Select(r => r.Cells[1].Text));
    }

    [Fact]
    public async Task RunAsync_ListsNewestUntouchedLeadsFirst()
    {
        var rep = _crm.Rep("Ann");
        _crm.Lead(rep, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 1), name: "Old");
        _crm.Lead(rep, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 20), name: "New");
        var called = _crm.Lead(rep, "Web", "Contacted", CrmBuilder.Utc(2017, 9, 25), name: "Called");
        _crm.Activity(rep, completed: CrmBuilder.Utc(2017, 9, 26), lead: called);

        var result = await _crm.AnswerAsync(September, rep, Now);

        Assert.Equal(["New", "Old"], result.Tables[0].Rows.Select(r => r.Cells[0].Text));
        Assert.Equal("2", result.Facts[3].Value.Text);
    }

    [Fact]
    public async Task RunAsync_SaysNotApplicable_WhenNoLeadsWereCreated()
    {
        var rep = _crm.Rep("Ann");

        var result = await _crm.AnswerAsync(September, rep, Now);

        Assert.Equal("n/a", result.Facts[2].Value.Text);
        Assert.Null(result.Chart);
    }

    [Fact]
    public async Task RunAsync_PagesTheNewestUntouchedLeads_AndAnyOffsetFromCardDataIsSafe()
    {
        var rep = _crm.Rep("Ann");
        for (var day = 1; day <= 12; day++)
            _crm.Lead(rep, "Web", "New", CrmBuilder.Utc(2017, 9, day), name: $"Lead {day:00}");

        var first = await _crm.AnswerAsync(September, rep, Now);
        var second = await _crm.AnswerAsync(first.Tables[0].NextPage!, rep, Now);
        Assert.Equal(Enumerable.Range(3, 10).Reverse().Select(d => $"Lead {d:00}"), first.Tables[0].Rows.Select(r => r.Cells[0].Text));
        Assert.Equal(["Lead 02", "Lead 01"], second.Tables[0].Rows.Select(r => r.Cells[0].Text));
        Assert.Null(second.Tables[0].NextPage);

        // Card data can carry any offset: near int.MaxValue the page end must not wrap around (a negative LIMIT reads all).
        var far = await _crm.AnswerAsync(September with { Offset = int.MaxValue - 1 }, rep, Now);
        Assert.Empty(far.Tables[0].Rows);
        Assert.Null(far.Tables[0].NextPage);
        var neglected = await _crm.AnswerAsync(new ReportRequest(ReportKind.NeglectedCustomers) { Offset = int.MaxValue - 1 }, rep, Now);
        Assert.Empty(neglected.Tables[0].Rows);
    }
}
