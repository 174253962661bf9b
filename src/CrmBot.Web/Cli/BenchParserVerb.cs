using System.Diagnostics;
using System.Globalization;
using CrmBot.Core.Commands;

namespace CrmBot.Web.Cli;

/// <summary>
/// `crmbot bench parser [--iterations N]`: the average time <see cref="CommandParser.Parse"/> takes over
/// typical chat phrasings (every help example plus typos, zh-TW and long messages). Target: under 1 ms.
/// Reports, does not assert: timings depend on the machine.
/// </summary>
public static class BenchParserVerb
{
    public const string Usage = "parser [--iterations N]  average parse time of the command parser (target < 1 ms)";

    private static readonly string[] ExtraPhrasings =
    [
        "leaderbord last quarter", "win rate ytd vs last year", "stale deals for Darcel Schlecht over 30 days", "我的 pipeline",
        "本季失去的機會", "2017年第3季失去的機會", "lost deals 2017-01-01 to 2017-03-31", "pipeline by partner for team North",
        "<at>CrmBot</at> team activity this week", "snooze Acme renewal 7 days because champion on holiday",
        "what's the weather like", "今年至今贏率與去年比較", new string('x', 2_000), "上個月商機來源",
    ];

    public static Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != "parser")
        {
            Console.Error.WriteLine("Usage: crmbot bench " + Usage);
            return Task.FromResult(2);
        }
        var iterations = 200;
        if (args.Length >= 3 && args[1] == "--iterations" && !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out iterations))
        {
            Console.Error.WriteLine("--iterations takes a whole number.");
            return Task.FromResult(2);
        }

        var phrasings = CommandCatalog.Topics.SelectMany(t => t.AllExamples).Concat(ExtraPhrasings).ToArray();
        foreach (var text in phrasings)
            CommandParser.Parse(text); // warm-up: regex construction and JIT are not what we measure

        var perPhrasing = new double[phrasings.Length];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
            for (var p = 0; p < phrasings.Length; p++)
            {
                var start = Stopwatch.GetTimestamp();
                CommandParser.Parse(phrasings[p]);
                perPhrasing[p] += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        total.Stop();

        var parses = iterations * phrasings.Length;
        var averageMs = total.Elapsed.TotalMilliseconds / parses;
        var slowest = perPhrasing.Select((ms, p) => (Text: phrasings[p], Ms: ms / iterations)).OrderByDescending(x => x.Ms).Take(3);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Parser: {parses:N0} parses of {phrasings.Length} phrasings, average {averageMs * 1000:0.0} µs (target < 1,000 µs)"));
        foreach (var (text, ms) in slowest)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  slowest: {ms * 1000,8:0.0} µs  {(text.Length > 50 ? text[..50] + "…" : text)}"));
        return Task.FromResult(0);
    }
}
