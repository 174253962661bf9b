using System.Globalization;
using System.Text;
using CrmBot.Core.Data;

namespace CrmBot.Web.Cli;

/// <summary>The Markdown figures of a `crmbot load` run and its pass/fail verdict (0 errors, Slack acks under 3 s, memory flat).</summary>
public static class LoadReport
{
    private static readonly IReadOnlyDictionary<LoadRequestKind, string> Rows = new Dictionary<LoadRequestKind, string>
    {
        [LoadRequestKind.TeamsInvoke] = "Teams invoke (request → card)",
        [LoadRequestKind.TeamsMessage] = "Teams message (request → reply at connector)",
        [LoadRequestKind.SlackCommand] = "Slack /command (request → response_url)",
        [LoadRequestKind.SlackMention] = "Slack app_mention (request → chat.postMessage)",
        [LoadRequestKind.SlackButton] = "Slack button (request → response_url)",
    };

    public sealed record Result(string Text, bool Passed);

    public static Result Format(LoadVerb.LoadRun run, DatabaseProvider provider, IReadOnlyList<LoadUser> users, int seconds, int? requests)
    {
        static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
        static string Mb(double bytes) => (bytes / (1024 * 1024)).ToString("0", CultureInfo.InvariantCulture);
        var samples = run.Samples;
        var errors = run.WarmUp.Concat(samples).Where(s => s.Error is not null).ToList();
        var acks = samples.Where(s => s.AckMs is not null).Select(s => s.AckMs!.Value).Order().ToList();
        var slowAcks = acks.Count(a => a >= LoadVerb.SlackAckLimit.TotalMilliseconds);
        var memory = run.Memory;

        var text = new StringBuilder();
        var teams = users.Count(u => u.Channel == LoadChannel.Teams);
        var managers = users.Count(u => u.Role == UserRole.Manager);
        var limit = requests is { } r ? $"{seconds} s or {r} requests" : $"{seconds} s";
        text.AppendLine($"# crmbot load ({provider}): {users.Count} users ({teams} Teams, {users.Count - teams} Slack; " +
            $"{users.Count - managers} reps, {managers} managers; en and zh-TW), {limit}");
        text.AppendLine();
        text.AppendLine($"Ran {run.Elapsed.TotalSeconds:0.0} s after {run.WarmUp.Count} warm-up requests (one of each kind, not timed): " +
            $"{samples.Count} requests, {samples.Count / Math.Max(run.Elapsed.TotalSeconds, 0.001):0.0} per second, {errors.Count} errors.");
        text.AppendLine();
        text.AppendLine("| channel | requests | errors | p50 ms | p95 ms | p99 ms | max ms |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (kind, name) in Rows)
        {
            var ofKind = samples.Where(s => s.Kind == kind).ToList();
            if (ofKind.Count == 0)
                continue;
            var times = ofKind.Where(s => s.EndToEndMs is not null && s.Error is null).Select(s => s.EndToEndMs!.Value).Order().ToList();
            text.AppendLine($"| {name} | {ofKind.Count} | {ofKind.Count(s => s.Error is not null)} | {Ms(P(times, 0.50))} | {Ms(P(times, 0.95))} | {Ms(P(times, 0.99))} | {Ms(times.LastOrDefault())} |");
        }
        text.AppendLine();
        text.AppendLine($"Slack acks (commands, mentions, buttons): {acks.Count}, p50 {Ms(P(acks, 0.50))} ms, p99 {Ms(P(acks, 0.99))} ms, max {Ms(acks.LastOrDefault())} ms; " +
            $"{slowAcks} at or over the 3 s limit (design target: 100 ms).");
        text.AppendLine();
        // Per kind: an app_mention's ack includes the de-duplication insert (a database write); the others do not touch the database.
        text.AppendLine("| Slack ack | acks | p50 ms | p99 ms | max ms |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var group in samples.Where(s => s.AckMs is not null).GroupBy(s => s.Kind).OrderBy(g => g.Key))
        {
            var times = group.Select(s => s.AckMs!.Value).Order().ToList();
            text.AppendLine($"| {Rows[group.Key].Split(" (")[0]} | {times.Count} | {Ms(P(times, 0.50))} | {Ms(P(times, 0.99))} | {Ms(times[^1])} |");
        }
        text.AppendLine();
        var verdict = memory.Verdict switch
        {
            LoadMemorySampler.Verdict.Flat => "flat",
            LoadMemorySampler.Verdict.Growing => "NOT FLAT",
            _ => $"not judged (under {LoadMemorySampler.MinimumSamples} samples)",
        };
        text.AppendLine($"Working set (host and load client, one process; {memory.Samples} samples, one a second): start {Mb(memory.StartBytes)} MB, " +
            $"peak {Mb(memory.PeakBytes)} MB, end {Mb(memory.EndBytes)} MB; mean of the second quarter {Mb(memory.SecondQuarterMean)} MB, " +
            $"of the last quarter {Mb(memory.LastQuarterMean)} MB ({memory.Growth * 100:+0;-0;0}%, limit +{LoadMemorySampler.Tolerance * 100:0}%): {verdict}.");
        text.AppendLine();
        text.AppendLine($"GC collections during the run: gen0 {run.Collections[0]}, gen1 {run.Collections[1]}, gen2 {run.Collections[2]}.");

        var failures = new List<string>();
        if (errors.Count > 0) failures.Add($"{errors.Count} errors");
        if (slowAcks > 0) failures.Add($"{slowAcks} Slack acks at or over 3 s");
        if (memory.Verdict == LoadMemorySampler.Verdict.Growing) failures.Add("memory not flat");
        text.AppendLine();
        if (errors.Count > 0)
        {
            text.AppendLine("Errors (each distinct kind and reason, with its count):");
            text.AppendLine();
            foreach (var group in errors.GroupBy(e => (e.Kind, e.Error)).OrderByDescending(g => g.Count()).Take(20))
                text.AppendLine($"- {group.Key.Kind}: {group.Key.Error!.ReplaceLineEndings(" ")} ({group.Count()})");
            text.AppendLine();
        }
        text.AppendLine(failures.Count == 0 ? "Result: PASS" : $"Result: FAIL ({string.Join("; ", failures)})");
        return new Result(text.ToString(), failures.Count == 0);
    }

    private static double P(IReadOnlyList<double> sorted, double p) => BenchReportsVerb.Percentile(sorted, p);
}
