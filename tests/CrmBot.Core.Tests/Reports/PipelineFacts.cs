using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class PipelineFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 8, 15, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public PipelineFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private static string Fact(ReportResult r, string label) => r.Facts.Single(f => f.Label.StartsWith(label)).Value.Text;


    [Theory]
    [InlineData(Breakdown.Source, false, "This report can't be broken down by source; it can be broken down by stage, owner or partner.")]
    [InlineData(Breakdown.ActivityType, true, "這個報表無法依活動類型細分；可以依階段、負責人或通路夥伴細分。")]
    public async Task RunAsync_SaysWhichBreakdownsItShows_WhenAskedForAnother(Breakdown asked, bool chinese, string says)
    {
        var rep = _crm.Rep("Ann");
        _crm.Deal(rep, OpportunityStage.Proposal, 1_000);

        var outcome = await _crm.RunAsync(new ReportRequest(ReportKind.Pipeline) { Breakdown = asked }, rep, Now);

        Assert.Equal(says, Assert.IsType<BreakdownNotShown>(outcome).Text(chinese));
        Assert.IsType<ReportAnswered>(await _crm.RunAsync(new ReportRequest(ReportKind.Pipeline) { Breakdown = Breakdown.Partner }, rep, Now));
    }
    [Fact]
    public async Task RunAsync_SumsOpenDealsByStage_WithWeightedAmounts()
    {
        var rep = _crm.Rep("Ann");
        _crm.Deal(rep, OpportunityStage.Proposal, 1000, probability: 50);
        _crm.Deal(rep, OpportunityStage.Proposal, 3000, probability: 10);
        _crm.Deal(rep, OpportunityStage.Negotiation, 2000, probability: 75);
        _crm.Deal(rep, OpportunityStage.Prospecting, null, probability: 10);
        _crm.Won(rep, 9999, CrmBuilder.Utc(2017, 8, 1));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Pipeline), rep, Now);

        var stages = result.Tables[0].Rows.ToDictionary(r => r.Cells[0].Text, r => (Count: r.Cells[1].Text, Amount: r.Cells[2].Text, Weighted: r.Cells[3].Text));
        Assert.Equal(("2", "$4,000", "$800"), stages["Proposal"]);
        Assert.Equal(("1", "$2,000", "$1,500"), stages["Negotiation"]);
        Assert.Equal(("1", "$0", "$0"), stages["Prospecting"]);
        Assert.Equal(("0", "$0", "$0"), stages["Qualification"]);
        Assert.Equal("4", Fact(result, "Open deals"));
        Assert.Equal("$6,000", Fact(result, "Open amount"));
        Assert.Equal("$2,300", Fact(result, "Weighted"));
        Assert.Contains(result.Notes, n => n.StartsWith("1 open deals have no amount"));
    }

    [Fact]
    public async Task RunAsync_GivesTheWinRateOfTheLastFourQuarters()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 1, CrmBuilder.Utc(2016, 10, 1)); // Q4 2016: first of the four (Q4 2016 – Q3 2017)
        _crm.Lost(rep, 1, CrmBuilder.Utc(2017, 8, 1));
        _crm.Lost(rep, 1, CrmBuilder.Utc(2017, 9, 30, 23)); // later this quarter: still in it
        _crm.Won(rep, 1, CrmBuilder.Utc(2016, 9, 30, 23)); // before the four quarters

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Pipeline), rep, Now);

        var fact = result.Facts.Single(f => f.Label.StartsWith("Win rate"));
        Assert.Equal("Win rate 2016 Q4 – 2017 Q3", fact.Label);
        Assert.Equal("33.33%", fact.Value.Text);
    }

    [Fact]
    public async Task RunAsync_StacksStagesByOwner_ForATeam()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var ann = _crm.Rep("Ann", team);
        var bob = _crm.Rep("Bob", team);
        _crm.Deal(ann, OpportunityStage.Proposal, 1000);
        _crm.Deal(bob, OpportunityStage.Proposal, 500);
        _crm.Deal(bob, OpportunityStage.Negotiation, 2000);

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Pipeline), manager, Now);

        Assert.Equal(["Bob", "Ann"], result.Tables[1].Rows.Select(r => r.Cells[0].Text));
        var chart = result.Chart!;
        Assert.Equal(ChartKind.StackedBar, chart.Kind);
        Assert.Equal(["Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation"], chart.Categories);
        Assert.Equal([0, 0, 0, 500, 2000], chart.Series.Single(s => s.Legend == "Bob").Values);
        Assert.Equal([0, 0, 0, 1000, 0], chart.Series.Single(s => s.Legend == "Ann").Values);
    }

    [Fact]
    public async Task RunAsync_ByPartner_ShowsDirectSalesAndWonAmountInThePeriod()
    {
        var rep = _crm.Rep("Ann");
        var reseller = _crm.Partner("Resell Co");
        var idle = _crm.Partner("Idle Partner");
        _crm.Deal(rep, OpportunityStage.Proposal, 1000, partner: reseller, probability: 20);
        _crm.Deal(rep, OpportunityStage.Proposal, 300);
        _crm.Won(rep, 700, CrmBuilder.Utc(2017, 7, 2), partner: reseller);
        _crm.Won(rep, 50, CrmBuilder.Utc(2017, 6, 30), partner: idle); // last quarter

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Pipeline) { Breakdown = Breakdown.Partner }, rep, Now);

        Assert.Equal("Pipeline by partner", result.Title);
        var rows = result.Tables[1].Rows.Select(r => string.Join("|", r.Cells.Select(c => c.Text))).ToList();
        Assert.Equal(["Resell Co|1|$1,000|$200|$700", "Direct (no partner)|1|$300|$150|$0"], rows);
        Assert.Equal("Won 2017 Q3", result.Tables[1].Columns[4].Header);
    }

    [Fact]
    public async Task RunAsync_KeepsCurrenciesApart()
    {
        var rep = _crm.Rep("Ann");
        _crm.Deal(rep, OpportunityStage.Proposal, 1000);
        _crm.Deal(rep, OpportunityStage.Proposal, 30_000, currency: "TWD");

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Pipeline), rep, Now);

        Assert.Equal("NT$30,000 + $1,000", Fact(result, "Open amount"));
        Assert.Contains(result.Notes, n => n.Contains("never added together"));
    }

    [Fact]
    public async Task RunAsync_ReturnsZeros_ForAnEmptyPipeline()
    {
        var rep = _crm.Rep("Ann");

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Pipeline), rep, Now);

        Assert.Equal("0", Fact(result, "Open deals"));
        Assert.Equal("n/a", Fact(result, "Win rate"));
        Assert.Null(result.Chart);
    }
}
