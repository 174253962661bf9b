using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CrmBot.Core.Data;
using CrmBot.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace CrmBot.Web.Cli;

/// <summary>
/// `crmbot load`: the real host on 127.0.0.1 under N concurrent virtual users (issue 10, point 4), half on
/// Teams, half on Slack, each a different linked rep or manager asking report after report (en and zh-TW) and
/// waiting for each answer before the next. Stops by itself after --duration or --requests, with a hard cap.
/// Prints and writes (--out) per-channel end-to-end percentiles, the Slack acks, the working set and GC counts;
/// exits 1 when any request failed, a Slack ack took 3 s or more, or memory was not flat.
/// </summary>
public static class LoadVerb
{
    public const string Usage = "[--users N (10)] [--duration seconds (30)] [--requests N] [--out file (artifacts/load.md)] [--connection <cs>]";

    private const int MaxUsers = 500;
    private const int MaxDurationSeconds = 3600;
    private const int MaxRequests = 1_000_000;
    private const string SlackSigningSecret = "load-signing-secret";
    /// <summary>Slack retries a request it has not seen acknowledged within 3 s (protocols.md).</summary>
    public static readonly TimeSpan SlackAckLimit = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] argv)
    {
        var console = CliConsole.Current;
        var args = new CliArgs(argv);
        int users = 10, seconds = 30, requests = MaxRequests;
        var valid = args.Positional.Count == 0 && !args.Unknown("users", "duration", "requests", "out", CliDatabase.ConnectionOption).Any();
        if (args.Option("users") is { } usersText)
            valid &= int.TryParse(usersText, CultureInfo.InvariantCulture, out users) && users is > 0 and <= MaxUsers;
        if (args.Option("duration") is { } durationText)
            valid &= int.TryParse(durationText, CultureInfo.InvariantCulture, out seconds) && seconds is > 0 and <= MaxDurationSeconds;
        else if (args.Has("requests"))
            seconds = MaxDurationSeconds;   // a request count alone still stops at the time cap
        if (args.Option("requests") is { } requestsText)
            valid &= int.TryParse(requestsText, CultureInfo.InvariantCulture, out requests) && requests is > 0 and <= MaxRequests;
        if (!valid)
        {
            CliConsole.Error($"usage: crmbot load {Usage}");
            return 2;
        }
        var outPath = args.Option("out") ?? Path.Combine("artifacts", "load.md");

        await using var fake = await LoadFakeChannels.StartAsync(CancellationToken.None);
        var hostArgs = MeasuredHost.Arguments(fake.SlackApi.ToString(), SlackSigningSecret, args.Option(CliDatabase.ConnectionOption));

        var app = BotHost.Build(hostArgs);
        await using var _ = app;
        await BotHost.StartAsync(app, CancellationToken.None);
        try
        {
            var provider = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider;
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = MaxUsers }) { BaseAddress = new Uri(address), Timeout = LoadClient.RequestTimeout };

            IReadOnlyList<LoadUser> virtualUsers;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
                virtualUsers = await LoadUsers.LinkAsync(scope.ServiceProvider.GetRequiredService<CrmDbContext>(), users, clock.GetUtcNow().UtcDateTime, CancellationToken.None);
            }
            if (virtualUsers.Count == 0)
            {
                console.WriteLine("No active rep or manager to link: the database is empty.");
                return 1;
            }

            var run = await RunLoadAsync(new LoadClient(http, fake, SlackSigningSecret), virtualUsers, TimeSpan.FromSeconds(seconds), requests);
            var report = LoadReport.Format(run, provider, virtualUsers, seconds, requests == MaxRequests ? null : requests);
            CliConsole.WriteRaw(report.Text);   // raw: Markdown lines must not wrap at the terminal width
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            await File.WriteAllTextAsync(outPath, report.Text);
            console.WriteLine($"Written to {outPath}");
            return report.Passed ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>Everything measured in one run; warm-up requests count for errors, not for times.</summary>
    public sealed record LoadRun(IReadOnlyList<LoadSample> WarmUp, IReadOnlyList<LoadSample> Samples, TimeSpan Elapsed, LoadMemorySampler.Summary Memory, int[] Collections);

    /// <summary>
    /// Every user asks, waits for the answer, asks again, until the duration is over or the request budget is spent.
    /// Requests in flight at the end finish (each is bounded by the answer deadline); a hard cap of duration plus
    /// twice that deadline cancels whatever is still running.
    /// </summary>
    private static async Task<LoadRun> RunLoadAsync(LoadClient client, IReadOnlyList<LoadUser> users, TimeSpan duration, int requests)
    {
        // Warm-up, not timed: each kind of request once, so the first measured seconds are not JIT and query compilation.
        var warmUp = new List<LoadSample>();
        foreach (var user in users.DistinctBy(u => u.Channel))
            foreach (var kind in LoadClient.KindsFor(user.Channel))
                warmUp.Add(await client.SendAsync(kind, user, user.Sentences[0], CancellationToken.None));

        var samples = new ConcurrentBag<LoadSample>();
        var budget = requests;
        using var stop = new CancellationTokenSource(duration);
        using var hardCap = new CancellationTokenSource(duration + 2 * LoadClient.AnswerDeadline);
        var collectionsBefore = Collections();
        await using var memory = LoadMemorySampler.Start();
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(users.Select(user => Task.Run(async () =>
        {
            var kinds = LoadClient.KindsFor(user.Channel);
            var sentences = user.Sentences;
            // Users start at different places in the mix, so all reports run at once.
            for (var i = user.Index; !stop.IsCancellationRequested && Interlocked.Decrement(ref budget) >= 0; i++)
                samples.Add(await client.SendAsync(kinds[i % kinds.Count], user, sentences[i / kinds.Count % sentences.Count], hardCap.Token));
        })));

        watch.Stop();
        var summary = await memory.StopAsync();
        var collections = Collections().Zip(collectionsBefore, (after, before) => after - before).ToArray();
        return new LoadRun(warmUp, [.. samples], watch.Elapsed, summary, collections);
    }

    private static int[] Collections() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
}
