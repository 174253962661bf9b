using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CrmBot.Web.Cli;
using Microsoft.Data.Sqlite;

namespace CrmBot.Web.Tests.Cli;

/// <summary>
/// `crmbot load` at a small size on the demo data (issue 10, point 4, in CI): every request of both channels is
/// answered, without errors, and every Slack ack is under Slack's 3 s limit. No other timing is asserted.
/// </summary>
public sealed class LoadVerbFacts : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("crmbot-load-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* SQLite may hold it briefly */ }
    }

    [Fact]
    public async Task RunAsync_AnswersEveryRequestOnBothChannelsWithoutErrors_WhenFourUsersRunOnTheDemoData()
    {
        var outFile = Path.Combine(_directory, "load.md");

        // An empty database: the host migrates it and seeds the demo data on start, as `crmbot` does.
        var (exit, output) = await CliRun.RunAsync(["load", "--users", "4", "--duration", "3", "--out", outFile, .. CliRun.Connection(_directory)]);

        var report = await File.ReadAllTextAsync(outFile);
        Assert.True(exit == 0, output);
        Assert.Matches(@"\d+ requests, [\d.]+ per second, 0 errors\.", report);
        foreach (var row in new[] { "Teams invoke", "Teams message", "Slack /command", "Slack app_mention", "Slack button" })
        {
            // channel | requests | errors | p50 | p95 | p99 | max: each kind ran at least once and none failed.
            var match = Regex.Match(report, $@"^\| {Regex.Escape(row)} [^|]+ \| (?<requests>\d+) \| (?<errors>\d+) \|", RegexOptions.Multiline);
            Assert.True(match.Success, $"no row for {row} in:\n{report}");
            Assert.True(int.Parse(match.Groups["requests"].Value, CultureInfo.InvariantCulture) > 0, $"{row} never ran:\n{report}");
            Assert.Equal("0", match.Groups["errors"].Value);
        }
        var acks = Regex.Match(report, @"Slack acks \(commands, mentions, buttons\): (?<count>\d+), .* max (?<max>[\d.]+) ms; 0 at or over the 3 s limit");
        Assert.True(acks.Success, report);
        Assert.True(double.Parse(acks.Groups["max"].Value, CultureInfo.InvariantCulture) < 3000, report);
        Assert.Contains("Result: PASS", report);
        Assert.Contains(report, output);   // printed as written
    }

    [Fact]
    public async Task RunAsync_StopsAfterTheRequestBudget_WhenRequestsIsGiven()
    {
        var outFile = Path.Combine(_directory, "load.md");

        var (exit, output) = await CliRun.RunAsync(["load", "--users", "2", "--requests", "6", "--out", outFile, .. CliRun.Connection(_directory)]);

        Assert.True(exit == 0, output);
        Assert.Matches(@": 6 requests, [\d.]+ per second, 0 errors\.", await File.ReadAllTextAsync(outFile));
    }

    [Theory]
    [InlineData("--users", "0")]
    [InlineData("--users", "501")]
    [InlineData("--duration", "3601")]
    [InlineData("--requests", "many")]
    [InlineData("--colour", "red")]
    public async Task RunAsync_ExplainsUsage_WhenAnOptionIsBadOrUnbounded(string option, string value)
    {
        var (exit, output) = await CliRun.RunAsync("load", option, value);

        Assert.Equal(2, exit);
        Assert.Contains("usage: crmbot load", output);
    }

    [Fact]
    public void ErrorText_FindsTheBotsApology_WhenAnAnswerIsAnErrorReply()
    {
        // What ChatEngine answers when a turn throws, inside a Block Kit answer as response_url receives it.
        const string failed = "我這邊出了點問題，請稍後再試。";
        var answer = new JsonObject { ["blocks"] = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = failed } }) };

        Assert.Equal(failed, LoadFakeChannels.ErrorText(answer));
        Assert.Null(LoadFakeChannels.ErrorText(new JsonObject { ["text"] = "Pipeline: 12 open deals" }));
    }

    [Fact]
    public void Judge_CallsMemoryNotFlat_WhenItKeepsGrowingAfterWarmUp()
    {
        // 40 s growing 5 MB a second: the last quarter is far above the second.
        var growing = Enumerable.Range(0, 40).Select(i => (200L + 5 * i) << 20).ToList();
        // The garbage collector's sawtooth around a level, after a warm-up climb.
        var sawtooth = Enumerable.Range(0, 40).Select(i => (i < 10 ? 100L + 10 * i : 200L + (i % 4) * 15) << 20).ToList();

        Assert.Equal(LoadMemorySampler.Verdict.Growing, LoadMemorySampler.Judge(growing).Verdict);
        Assert.Equal(LoadMemorySampler.Verdict.Flat, LoadMemorySampler.Judge(sawtooth).Verdict);
        Assert.Equal(LoadMemorySampler.Verdict.NotJudged, LoadMemorySampler.Judge(growing.Take(LoadMemorySampler.MinimumSamples - 1).ToList()).Verdict);
    }
}
