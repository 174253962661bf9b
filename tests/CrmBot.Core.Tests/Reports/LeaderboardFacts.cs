using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class LeaderboardFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 10, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReportRequest Q3 = new(ReportKind.Leaderboard) { Period = PeriodSpec.ForQuarter(2017, 3) };
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public LeaderboardFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    [Fact]
    public async Task RunAsync_RanksByWonAmount_ThenWonCount_ThenName()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var zoe = _crm.Rep("Zoe", team);
        var amy = _crm.Rep("Amy", team);
        var bea = _crm.Rep("Bea", team);
        var idle = _crm.Rep("Idle", team);
        // Zoe and Amy tie on amount (3,000) and count (2): name decides. Bea has 3,000 in three deals: count decides.
        _crm.Won(zoe, 1000, CrmBuilder.Utc(2017, 8, 1)); _crm.Won(zoe, 2000, CrmBuilder.Utc(2017, 8, 2));
        _crm.Won(amy, 1500, CrmBuilder.Utc(2017, 8, 1)); _crm.Won(amy, 1500, CrmBuilder.Utc(2017, 8, 3));
        _crm.Won(bea, 1000, CrmBuilder.Utc(2017, 7, 1)); _crm.Won(bea, 1000, CrmBuilder.Utc(2017, 7, 2)); _crm.Won(bea, 1000, CrmBuilder.Utc(2017, 7, 3));
        _crm.Lost(bea, 9000, CrmBuilder.Utc(2017, 7, 4));

        var result = await _crm.AnswerAsync(Q3, manager, Now);

        var rows = result.Tables[0].Rows;
        Assert.Equal(["Bea", "Amy", "Zoe", "Idle"], rows.Select(r => r.Cells[1].Text));
        Assert.Equal(["1", "2", "3", "4"], rows.Select(r => r.Cells[0].Text));
        Assert.Equal(["3", "2", "2", "0"], rows.Select(r => r.Cells[2].Text));
        Assert.Equal(["$3,000", "$3,000", "$3,000", "$0"], rows.Select(r => r.Cells[3].Text));
        // Bea won 3 of 4; the idle rep closed nothing: n/a, not 0%.
        Assert.Equal(["75.00%", "100.00%", "100.00%", "n/a"], rows.Select(r => r.Cells[4].Text));
        Assert.Equal("$9,000", result.Facts.Single(f => f.Label == "Won amount").Value.Text);
        Assert.Equal("Team North · 2017 Q3 · as of 2017-10-15", result.Context);
    }

    [Theory]
    [InlineData("Asia/Taipei")]
    [InlineData("America/Los_Angeles")]
    public async Task RunAsync_CountsTheLastLocalMinuteOfTheQuarter_ButNotTheNextMidnight(string zone)
    {
        var rep = _crm.Rep("Ann", timeZone: zone);
        _crm.Won(rep, 100, CrmBuilder.Local(zone, 2017, 9, 30, 23, 59));
        _crm.Won(rep, 10_000, CrmBuilder.Local(zone, 2017, 10, 1, 0, 0));
        _crm.Won(rep, 20_000, CrmBuilder.Local(zone, 2017, 6, 30, 23, 59));
        _crm.Won(rep, 1, CrmBuilder.Local(zone, 2017, 7, 1, 0, 0));

        var result = await _crm.AnswerAsync(Q3 with { Subject = SubjectSpec.Me }, rep, Now);

        var row = Assert.Single(result.Tables[0].Rows);
        Assert.Equal("2", row.Cells[2].Text);
        Assert.Equal("$101", row.Cells[3].Text);
    }

    [Fact]
    public async Task RunAsync_ShowsRankChange_AgainstThePreviousQuarter()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var ann = _crm.Rep("Ann", team);
        var bob = _crm.Rep("Bob", team);
        var cat = _crm.Rep("Cat", team);
        // Q2: Ann 1st, Bob 2nd, Cat 3rd. Q3: Cat 1st, Ann 2nd, Bob 3rd.
        _crm.Won(ann, 300, CrmBuilder.Utc(2017, 5, 1)); _crm.Won(bob, 200, CrmBuilder.Utc(2017, 5, 1)); _crm.Won(cat, 100, CrmBuilder.Utc(2017, 5, 1));
        _crm.Won(cat, 300, CrmBuilder.Utc(2017, 8, 1)); _crm.Won(ann, 200, CrmBuilder.Utc(2017, 8, 1)); _crm.Won(bob, 100, CrmBuilder.Utc(2017, 8, 1));

        var result = await _crm.AnswerAsync(Q3, manager, Now);

        Assert.Equal(["Cat", "Ann", "Bob"], result.Tables[0].Rows.Select(r => r.Cells[1].Text));
        Assert.Equal(["▲2", "▼1", "▼1"], result.Tables[0].Rows.Select(r => r.Cells[5].Text));
    }

    [Fact]
    public async Task RunAsync_ListsZeros_WhenNothingWasWonInThePeriod()
    {
        var team = _crm.Team("North");
        var ann = _crm.Rep("Ann", team);
        _crm.Rep("Bob", team);

        var result = await _crm.AnswerAsync(Q3, ann, Now);

        Assert.Equal(["Ann", "Bob"], result.Tables[0].Rows.Select(r => r.Cells[1].Text));
        Assert.All(result.Tables[0].Rows, r => Assert.Equal("0", r.Cells[2].Text));
        Assert.Equal("n/a", result.Facts.Single(f => f.Label == "Win rate").Value.Text);
        Assert.Equal("—", result.Tables[0].Rows[0].Cells[5].Text);
    }

    [Fact]
    public async Task RunAsync_NeverAddsCurrencies_AndSaysSo()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var ann = _crm.Rep("Ann", team);
        var bob = _crm.Rep("Bob", team);
        _crm.Won(ann, 1000, CrmBuilder.Utc(2017, 8, 1));
        _crm.Won(bob, 500, CrmBuilder.Utc(2017, 8, 1));
        _crm.Won(bob, 900_000, CrmBuilder.Utc(2017, 8, 2), currency: "TWD");

        var result = await _crm.AnswerAsync(Q3, manager, Now);

        // Ranked by USD (the main currency); Bob's NT$ is shown beside, not added.
        Assert.Equal(["Ann", "Bob"], result.Tables[0].Rows.Select(r => r.Cells[1].Text));
        Assert.Equal("NT$900,000 + $500", result.Tables[0].Rows[1].Cells[3].Text);
        Assert.Equal("NT$900,000 + $1,500", result.Facts.Single(f => f.Label == "Won amount").Value.Text);
        Assert.Contains(result.Notes, n => n.Contains("TWD") && n.Contains("USD"));
    }

    [Fact]
    public async Task RunAsync_CoversAllTime_WithoutARankChange()
    {
        var rep = _crm.Rep("Ann");
        _crm.Won(rep, 100, CrmBuilder.Utc(2015, 1, 1));
        _crm.Won(rep, 100, CrmBuilder.Utc(2017, 10, 15, 11));

        var result = await _crm.AnswerAsync(new ReportRequest(ReportKind.Leaderboard) { Period = PeriodSpec.Of(PeriodKind.AllTime) }, rep, Now);

        Assert.Equal("$200", result.Tables[0].Rows[0].Cells[3].Text);
        Assert.Equal("n/a", result.Tables[0].Rows[0].Cells[5].Text);
        Assert.Null(result.PeriodStart);
        Assert.Equal("all time", result.Period);
    }

    [Fact]
    public async Task RunAsync_PagesByTen_WithTheNextPageRequest()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        for (var i = 1; i <= 12; i++)
            _crm.Won(_crm.Rep($"Rep {i:00}", team), i * 100, CrmBuilder.Utc(2017, 8, 1));

        var first = await _crm.AnswerAsync(Q3, manager, Now);
        var next = first.Tables[0].NextPage;
        Assert.NotNull(next);
        var second = await _crm.AnswerAsync(next, manager, Now);

        Assert.Equal(10, first.Tables[0].Rows.Count);
        Assert.Equal(12, first.Tables[0].TotalRows);
        Assert.Equal(Q3 with { Offset = 10 }, next);
        Assert.Equal(["11", "12"], second.Tables[0].Rows.Select(r => r.Cells[0].Text));
        Assert.Equal(["Rep 02", "Rep 01"], second.Tables[0].Rows.Select(r => r.Cells[1].Text));
        Assert.Null(second.Tables[0].NextPage);
    }

    [Fact]
    public async Task RunAsync_AnswersInTraditionalChinese_ForAChineseSpeaker()
    {
        var team = _crm.Team("North");
        var rep = _crm.User("Ann", UserRole.Rep, team, "Asia/Taipei", "zh-TW");
        _crm.Won(rep, 1234, CrmBuilder.Utc(2017, 8, 1));

        var result = await _crm.AnswerAsync(Q3, rep, Now);

        Assert.Equal("業績排行榜", result.Title);
        Assert.Equal("2017年第3季", result.Period);
        Assert.Equal("North 團隊 · 2017年第3季 · 截至 2017年10月15日", result.Context);
        Assert.Equal(["名次", "業務", "成交數", "成交金額", "贏率", "名次變化"], result.Tables[0].Columns.Select(c => c.Header));
        Assert.Equal("US$1,234", result.Tables[0].Rows[0].Cells[3].Text);
    }
}
