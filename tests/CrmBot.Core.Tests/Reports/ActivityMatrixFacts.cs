using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

public sealed class ActivityMatrixFacts : IDisposable
{
    private static readonly DateTimeOffset Now = new(2017, 10, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReportRequest Q3 = new(ReportKind.Activity) { Period = PeriodSpec.ForQuarter(2017, 3) };
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public ActivityMatrixFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private static string Line(Row r) => string.Join("|", r.Cells.Select(c => c.Text));

    [Fact]
    public async Task RunAsync_CountsCompletedActivities_RepByType_WithTotals()
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var ann = _crm.Rep("Ann", team);
        var bob = _crm.Rep("Bob", team);
        _crm.Rep("Cat", team);
        var day = CrmBuilder.Utc(2017, 8, 1);
        _crm.Activity(ann, ActivityType.Call, completed: day);
        _crm.Activity(ann, ActivityType.Call, completed: day);
        _crm.Activity(ann, ActivityType.Task, completed: day);
        _crm.Activity(bob, ActivityType.Visit, completed: day);
        _crm.Activity(bob, ActivityType.Email, completed: day);
        _crm.Activity(bob, ActivityType.Meeting, completed: day);
        _crm.Activity(bob, ActivityType.Meeting, completed: day);
        _crm.Activity(bob, ActivityType.Call, due: day); // planned, not done
        _crm.Activity(bob, ActivityType.Call, completed: day, status: ActivityStatus.Cancelled);

        var result = await _crm.AnswerAsync(Q3, manager, Now);

        Assert.Equal(["Rep", "Call", "Visit", "Meeting", "Email", "Other", "Total"], result.Tables[0].Columns.Select(c => c.Header));
        Assert.Equal(["Bob|0|1|2|1|0|4", "Ann|2|0|0|0|1|3", "Cat|0|0|0|0|0|0"], result.Tables[0].Rows.Select(Line));
        Assert.Equal("Total|2|1|2|1|1|7", Line(result.Tables[1].Rows.Single()));
        Assert.Equal(["Bob", "Ann", "Cat"], result.Chart!.Categories);
        Assert.Equal([2, 0, 0], result.Chart.Series.Single(s => s.Legend == "Meeting").Values);
    }

    [Theory]
    [InlineData("Asia/Taipei")]
    [InlineData("America/Los_Angeles")]
    public async Task RunAsync_CountsTheLastLocalMinuteOfTheQuarter_ButNotTheNextMidnight(string zone)
    {
        var rep = _crm.Rep("Ann", timeZone: zone);
        _crm.Activity(rep, ActivityType.Call, completed: CrmBuilder.Local(zone, 2017, 9, 30, 23, 59));
        _crm.Activity(rep, ActivityType.Email, completed: CrmBuilder.Local(zone, 2017, 10, 1, 0, 0));
        _crm.Activity(rep, ActivityType.Visit, completed: CrmBuilder.Local(zone, 2017, 7, 1, 0, 0));

        var result = await _crm.AnswerAsync(Q3, rep, Now);

        Assert.Equal("Ann|1|1|0|0|0|2", Line(result.Tables[0].Rows.Single()));
    }

    [Fact]
    public async Task RunAsync_ListsTheRepWithZeros_WhenThePeriodIsEmpty()
    {
        var rep = _crm.Rep("Ann");

        var result = await _crm.AnswerAsync(Q3, rep, Now);

        Assert.Equal("Ann|0|0|0|0|0|0", Line(result.Tables[0].Rows.Single()));
        Assert.Equal("0", result.Facts[0].Value.Text);
    }
}
