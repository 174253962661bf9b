using System.Text.RegularExpressions;
using CrmBot.Core.Commands;
using CrmBot.Web.Cli;
using Microsoft.Data.Sqlite;

namespace CrmBot.Web.Tests.Cli;

/// <summary>Smoke test of `crmbot bench http` on the small demo data: it runs end to end and fills its table (no timing asserted).</summary>
public sealed class BenchHttpVerbFacts : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("crmbot-bench-http-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* SQLite may hold it briefly */ }
    }

    [Fact]
    public async Task RunAsync_WritesARowWithFiguresPerReport_WhenRunOnTheDemoData()
    {
        var outFile = Path.Combine(_directory, "bench.md");

        // An empty database: the host migrates it and seeds the demo data on start, as `crmbot` does.
        var (exit, output) = await CliRun.RunAsync(["bench", "http", "--runs", "2", "--warmup", "0", "--slack", "4", "--out", outFile, .. CliRun.Connection(_directory)]);

        Assert.True(exit == 0, output);
        var table = await File.ReadAllTextAsync(outFile);
        var number = @"\d+\.\d+";
        foreach (var kind in Enum.GetValues<ReportKind>())
        {
            // report | sentence | runs | p50 | p95 | bare SQL p50 | SQL prepared once p50 | SQL reads | rows read | ratio | card title
            var row = new Regex($@"^\| {kind} \| [^|]+ \| 2 \| {number} \| {number} \| {number} \| {number} \| [1-9]\d* \| \d+ \| {number} \| (?<card>[^|]+) \|$", RegexOptions.Multiline);
            var match = row.Match(table);
            Assert.True(match.Success, $"no row with figures for {kind} in:\n{table}");
            Assert.NotEqual("(no card)", match.Groups["card"].Value.Trim());
        }
        Assert.Matches($@"ack while reports run: p50 {number} ms, p99 {number} ms over 4 commands; answers delivered to response_url: 4/4", table);
        Assert.Matches(@"Peak working set .*: [1-9]\d* MB", table);
        // The host ran its repeated reads on statements prepared before (SqliteStatementCache), as in production.
        Assert.Matches(@"Reads on statements SQLite had prepared before: [1-9]\d* of [1-9]\d*", table);
        Assert.Matches($@"The same request without a report \(""help"": .*\): p50 {number} ms", table);
        Assert.Matches($@"HTTP alone \(a GET the host answers 404.*\): p50 {number} ms", table);
        Assert.Contains(table, output);   // printed as written
    }

    [Fact]
    public async Task RunAsync_TimesOnlyTheReportsNamed()
    {
        var outFile = Path.Combine(_directory, "bench.md");

        var (exit, output) = await CliRun.RunAsync(["bench", "http", "--reports", "actionplan, Leads", "--runs", "2", "--warmup", "0", "--slack", "1", "--out", outFile, .. CliRun.Connection(_directory)]);

        Assert.True(exit == 0, output);
        var rows = Regex.Matches(await File.ReadAllTextAsync(outFile), @"^\| (?<kind>[A-Za-z]+) \| [^|]+ \| 2 \|", RegexOptions.Multiline).Select(m => m.Groups["kind"].Value);
        Assert.Equal(["Leads", "ActionPlan"], rows);   // in the table's order
    }

    [Theory]
    [InlineData("--runs", "0")]
    [InlineData("--slack", "many")]
    [InlineData("--warmup", "-1")]
    [InlineData("--colour", "red")]
    [InlineData("--reports", "ActionPlan,Weather")]
    [InlineData("--reports", "3")]
    public async Task RunAsync_ExplainsUsage_WhenAnOptionIsBad(string option, string value)
    {
        var (exit, output) = await CliRun.RunAsync("bench", "http", option, value);

        Assert.Equal(2, exit);
        Assert.Contains("usage: crmbot bench http", output);
    }
}
