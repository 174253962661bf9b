namespace CrmBot.Web.Cli;

/// <summary>`crmbot bench &lt;what&gt;`: the benchmarks, one verb each. They print figures; nothing is asserted on time.</summary>
public static class BenchVerbs
{
    private static readonly Dictionary<string, (string Usage, Func<string[], Task<int>> Run)> Benchmarks = new()
    {
        ["reports"] = (BenchReportsVerb.Usage, BenchReportsVerb.RunAsync),
        ["parser"] = (BenchParserVerb.Usage, BenchParserVerb.RunAsync),
        ["http"] = (BenchHttpVerb.Usage, BenchHttpVerb.RunAsync),
        ["nudges"] = (BenchNudgesVerb.Usage, args => BenchNudgesVerb.RunAsync(args, Console.Out)),
    };

    public static string Usage => string.Join(" | ", Benchmarks.Keys);

    public static Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && Benchmarks.TryGetValue(args[0], out var bench))
            return bench.Run(args);
        Console.Error.WriteLine("Usage:");
        foreach (var (_, b) in Benchmarks)
            Console.Error.WriteLine("  crmbot bench " + b.Usage);
        return Task.FromResult(2);
    }
}
