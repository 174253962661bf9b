using System.Text.Json;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Testing;
using CrmBot.Web.Cli;
using Microsoft.Extensions.Configuration;

namespace CrmBot.Web.Tests.Cli;

public sealed class AskVerbFacts : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;
    private readonly IConfiguration _configuration;

    public AskVerbFacts()
    {
        _crm = new CrmBuilder(_db);
        var team = _crm.Team("North");
        var ann = _crm.Rep("Ann Able", team, timeZone: "Asia/Taipei");
        var bob = _crm.Rep("Bob Baker", team);
        _crm.Won(ann, 1200, CrmBuilder.Local("Asia/Taipei", 2017, 9, 30, 23, 0));
        _crm.Won(bob, 800, CrmBuilder.Utc(2017, 8, 1));
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = _db.ConnectionString,
        }).Build();
    }

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    private async Task<(int Code, string Output)> Ask(params string[] args)
    {
        var output = new StringWriter();
        var code = await AskVerb.RunAsync(args, _configuration, output, CancellationToken.None);
        return (code, output.ToString());
    }

    [Fact]
    public async Task RunAsync_PrintsTheReportJson_AsOfADate()
    {
        var (code, output) = await Ask("--report", "leaderboard", "--period", "2017-Q3", "--as", "ann.able@example.com", "--as-of", "2017-09-30", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("Leaderboard", json.RootElement.GetProperty("title").GetString());
        Assert.Equal("Team North · 2017 Q3 · as of 2017-09-30", json.RootElement.GetProperty("context").GetString());
        var rows = json.RootElement.GetProperty("tables")[0].GetProperty("rows");
        Assert.Equal("Ann Able", rows[0].GetProperty("cells")[1].GetProperty("text").GetString());
        Assert.Equal("$1,200", rows[0].GetProperty("cells")[3].GetProperty("text").GetString());
    }

    [Fact]
    public async Task RunAsync_PrintsReadableTables()
    {
        var (code, output) = await Ask("--report", "win-rate", "--period", "all", "--as", "Bob Baker", "--as-of", "2017-12-31");

        Assert.Equal(0, code);
        Assert.Contains("Win rate", output);
        Assert.Contains("Bob Baker · all time · as of 2017-12-31", output);
        Assert.Contains("100.00%", output);
    }

    [Fact]
    public async Task RunAsync_ReadsTheDatabaseNamedByConnection_OverTheConfiguredOne()
    {
        var elsewhere = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = "Data Source=:memory:",
        }).Build();
        var output = new StringWriter();

        var code = await AskVerb.RunAsync(["win rate all time", "--as", "Bob Baker", "--connection", _db.ConnectionString], elsewhere, output, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("Bob Baker · all time", output.ToString());
    }

    [Fact]
    public async Task RunAsync_ListsOnlyReportQuestions_WhenGivenAChatCommand()
    {
        var (code, output) = await Ask("nudge stats", "--as", "Bob Baker");

        Assert.NotEqual(0, code);
        Assert.StartsWith("That is a chat command (NudgeStats), not a report question.", output);
        var listed = output.Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(listed);
        Assert.All(listed, question => Assert.IsType<CrmBot.Core.Commands.ReportCommand>(CrmBot.Core.Commands.CommandParser.Parse(question)));
    }

    [Fact]
    public async Task RunAsync_RefusesAnUnknownOption_WithTheUsage()
    {
        var (code, output) = await Ask("win rate", "--as", "Bob Baker", "--conection", "Data Source=x.db");

        Assert.Equal(2, code);
        Assert.StartsWith("Unknown option --conection. Usage: crmbot ask", output);
    }

    [Fact]
    public async Task RunAsync_PrintsTheRefusal_WhenARepAsksAboutAnotherRep()
    {
        var (code, output) = await Ask("--report", "stale-deals", "--subject", "user:Bob", "--as", "Ann Able");

        Assert.Equal(1, code);
        Assert.StartsWith("Sorry, you can only see your own", output);
    }

    [Theory]
    [InlineData("--report", "nonsense", "--as", "Ann Able")]
    [InlineData("--report", "leads", "--period", "someday", "--as", "Ann Able")]
    [InlineData("--report", "leads", "--as-of", "30/09/2017", "--as", "Ann Able")]
    [InlineData("--report", "leads")]
    public async Task RunAsync_ExplainsBadArguments_WithoutAStackTrace(params string[] args)
    {
        var (code, output) = await Ask(args);

        Assert.Equal(2, code);
        Assert.DoesNotContain("   at ", output);
        Assert.Contains("--", output);
    }

    [Fact]
    public async Task RunAsync_SaysSo_WhenNoUserHasTheName()
    {
        var (code, output) = await Ask("--report", "pipeline", "--as", "nobody@example.com");

        Assert.Equal(1, code);
        Assert.Contains("No CRM user", output);
    }

    [Fact]
    public void ToRequest_ReadsEveryOption()
    {
        var (options, _) = CliServices.Parse(["--report", "trends", "--period", "2017-06", "--subject", "team:North", "--threshold", "30",
            "--breakdown", "partner", "--compare", "yoy", "--metric", "by-family", "--offset", "10"]);

        var (request, error) = ReportArguments.ToRequest(options);

        Assert.Null(error);
        Assert.Equal(new ReportRequest(ReportKind.Trends)
        {
            Period = PeriodSpec.ForMonth(2017, 6), Subject = SubjectSpec.Team("North"), ThresholdDays = 30, Breakdown = Breakdown.Partner,
            Compare = TrendComparison.Yoy, Metric = TrendMetric.WonAmountByProductFamily, Offset = 10,
        }, request);
    }

    [Theory]
    [InlineData("this-quarter", PeriodKind.ThisQuarter, null, null)]
    [InlineData("ytd", PeriodKind.Ytd, null, null)]
    [InlineData("all", PeriodKind.AllTime, null, null)]
    [InlineData("2017", PeriodKind.Year, 2017, null)]
    [InlineData("2017-Q3", PeriodKind.Quarter, 2017, 3)]
    [InlineData("2017q4", PeriodKind.Quarter, 2017, 4)]
    [InlineData("2017-06", PeriodKind.Month, 2017, 6)]
    [InlineData("last-30-days", PeriodKind.LastNDays, null, 30)]
    public void ParsePeriod_ReadsTheShortForms(string text, PeriodKind kind, int? year, int? number)
    {
        var spec = ReportArguments.ParsePeriod(text);

        Assert.Equal(new PeriodSpec(kind, year, number), spec);
    }

    [Fact]
    public void ParsePeriod_ReadsDateRanges_AndRejectsNonsense()
    {
        Assert.Equal(PeriodSpec.Between(new DateOnly(2017, 1, 1), new DateOnly(2017, 3, 31)), ReportArguments.ParsePeriod("2017-01-01..2017-03-31"));
        Assert.Null(ReportArguments.ParsePeriod("2017-03-31..2017-01-01"));   // it used to be swapped into Jan–Mar
        Assert.Equal(PeriodSpec.SinceDate(new DateOnly(2017, 1, 1)), ReportArguments.ParsePeriod("since:2017-01-01"));
        Assert.Null(ReportArguments.ParsePeriod("2017-13"));
        Assert.Null(ReportArguments.ParsePeriod("someday"));
    }
}
