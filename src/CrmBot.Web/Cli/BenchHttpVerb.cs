using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Slack.Http;
using CrmBot.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace CrmBot.Web.Cli;

/// <summary>
/// `crmbot bench http`: the real host on 127.0.0.1, every report asked end to end as a Teams Action.Execute
/// (HTTP request in, card JSON out), against the bare SQL of the same request replayed on a raw connection;
/// then signed Slack slash commands acknowledged while reports run; and the peak working set (design.md 10).
/// Prints a Markdown table and writes it to --out. Figures to read, never asserted by tests.
/// </summary>
public static class BenchHttpVerb
{
    public const string Usage = "http [--runs N (20)] [--warmup seconds (3)] [--slack N (100)] [--as <user> (first admin)] [--reports Kind,Kind (all)] [--out file (artifacts/bench.md)] [--sql dir] [--connection <cs>]";

    private const string TeamsUserId = "bench-teams-user";
    private const string TeamsWorkspace = "emulator";   // no tenant in the activity: the channel id is the workspace
    private const string SlackTeamId = "TBENCH";
    private const string SlackUserId = "UBENCH";
    private const string SlackSigningSecret = "bench-signing-secret";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SlackDrainTimeout = TimeSpan.FromSeconds(60);

    private const string WithoutReport = "help";

    /// <summary>One sentence per report, as a user would type it (docs/commands.md).</summary>
    public static readonly IReadOnlyDictionary<ReportKind, string> Sentences = new Dictionary<ReportKind, string>
    {
        [ReportKind.StaleDeals] = "stale deals",
        [ReportKind.NeglectedCustomers] = "neglected customers",
        [ReportKind.Leaderboard] = "leaderboard",
        [ReportKind.LostDeals] = "lost deals this quarter",
        [ReportKind.Pipeline] = "pipeline",
        [ReportKind.Leads] = "leads by source",
        [ReportKind.Activity] = "activity this week",
        [ReportKind.WinRate] = "win rate ytd",
        [ReportKind.Trends] = "compare yoy",
        [ReportKind.Forecast] = "forecast",
        [ReportKind.ActionPlan] = "my plan",
        [ReportKind.NudgeStats] = "nudge stats",
    };

    private sealed record ReportFigures(ReportKind Kind, string Sentence, int Runs, double P50, double P95, double? BareP50, double? PreparedP50, int Reads, long Rows, string Answer);

    public static async Task<int> RunAsync(string[] argv)
    {
        var console = CliConsole.Current;
        var args = new CliArgs(argv);
        int runs = 20, slackCommands = 100;
        double warmupSeconds = 3;
        var valid = args.Positional is ["http"] && !args.Unknown("runs", "warmup", "slack", "as", "reports", "out", "sql", CliDatabase.ConnectionOption).Any();
        if (args.Option("runs") is { } runsText)
            valid &= int.TryParse(runsText, CultureInfo.InvariantCulture, out runs) && runs is > 0 and <= 10_000;
        if (args.Option("warmup") is { } warmupText)
            valid &= double.TryParse(warmupText, CultureInfo.InvariantCulture, out warmupSeconds) && warmupSeconds is >= 0 and <= 600;
        if (args.Option("slack") is { } slackText)
            valid &= int.TryParse(slackText, CultureInfo.InvariantCulture, out slackCommands) && slackCommands is > 0 and <= 100_000;
        var sentences = Sentences.ToList();
        if (args.Option("reports") is { } reportsText)
        {
            // A focused run (one report while tuning it); an unknown name is an error, not a silently shorter table.
            // By name only: Enum.TryParse also takes "3".
            var kinds = reportsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(n => Enum.GetValues<ReportKind>().Cast<ReportKind?>().FirstOrDefault(k => string.Equals(k.ToString(), n, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            valid &= kinds.Count > 0 && kinds.All(k => k is not null);
            sentences = sentences.Where(s => kinds.Contains(s.Key)).ToList();
        }
        if (!valid)
        {
            CliConsole.Error($"usage: crmbot bench {Usage}");
            return 2;
        }
        var outPath = args.Option("out") ?? Path.Combine("artifacts", "bench.md");

        await using var fakeSlack = await BenchFakeSlackApi.StartAsync(CancellationToken.None);
        var hostArgs = MeasuredHost.Arguments($"{fakeSlack.Address}api/", SlackSigningSecret, args.Option(CliDatabase.ConnectionOption));

        using var recorder = new SqlCommandRecorder();   // before the host: EF's listener is created with it
        var app = BotHost.Build(hostArgs);
        await using var _ = app;
        await BotHost.StartAsync(app, CancellationToken.None);
        try
        {
            var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = RequestTimeout };

            var asker = await LinkBenchUserAsync(app.Services, args.Option("as"));
            if (asker is null)
            {
                console.WriteLine("No CRM user to ask as: the database is empty or --as names no one.");
                return 1;
            }

            // Every report is warmed up before any is measured: whichever report was measured first ran 2-3 times slower
            // than the same report measured last (a rep's stale deals 12.8 against 4.8 ms), however long its own warm-up.
            foreach (var (_, sentence) in sentences)
                await WarmUpAsync(http, sentence, TimeSpan.FromSeconds(warmupSeconds), fakeSlack.Address);
            var statements = app.Services.GetService<SqliteStatementCache>();   // none on SQL Server
            var reusedBefore = statements?.Reused ?? 0;
            var figures = new List<ReportFigures>();
            foreach (var (kind, sentence) in sentences)
                figures.Add(await MeasureReportAsync(http, recorder, database, kind, sentence, runs, fakeSlack.Address, args.Option("sql")));
            var reused = (statements?.Reused ?? 0) - reusedBefore;
            var measuredReads = figures.Sum(f => (long)f.Reads * (f.Runs + 3));   // the runs, two refreshing requests, the recorded one

            var withoutReportP50 = await MeasureWithoutReportAsync(http, runs, TimeSpan.FromSeconds(warmupSeconds), fakeSlack.Address);
            var httpAloneP50 = await MeasureHttpAloneAsync(http, runs);
            var (ackP50, ackP99, delivered) = await MeasureSlackAcksAsync(http, fakeSlack, slackCommands);
            var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);

            var table = Format(figures, asker, warmupSeconds, runs, slackCommands, ackP50, ackP99, delivered, peakMb, database.Provider, (reused, measuredReads), withoutReportP50, httpAloneP50);
            CliConsole.WriteRaw(table);   // raw: Markdown lines must not wrap at the terminal width
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            await File.WriteAllTextAsync(outPath, table);
            console.WriteLine($"Written to {outPath}");
            return 0;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>The asker (--as, else the first admin) with a Teams and a Slack identity, so the linker finds them without a members lookup.</summary>
    private static async Task<string?> LinkBenchUserAsync(IServiceProvider services, string? who)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var email = who ?? await db.Users.Where(u => u.IsActive).OrderBy(u => u.Role == UserRole.Admin ? 0 : 1).ThenBy(u => u.Id)
            .Select(u => u.Email).FirstOrDefaultAsync();
        if (email is null || await CliServices.FindAskerAsync(db, email, CancellationToken.None) is not { } asker)
            return null;

        // Re-point the bench identities at this user (a previous run may have linked someone else).
        await db.ChatIdentities.Where(i => (i.Platform == ChatPlatform.Teams && i.Workspace == TeamsWorkspace && i.PlatformUserId == TeamsUserId)
                || (i.Platform == ChatPlatform.Slack && i.Workspace == SlackTeamId && i.PlatformUserId == SlackUserId)).ExecuteDeleteAsync();
        var now = clock.GetUtcNow().UtcDateTime;
        db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Teams, Workspace = TeamsWorkspace, PlatformUserId = TeamsUserId, UserId = asker.UserId, LinkedAt = now });
        db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Slack, Workspace = SlackTeamId, PlatformUserId = SlackUserId, UserId = asker.UserId, LinkedAt = now });
        await db.SaveChangesAsync();
        return $"{asker.Name} ({asker.Role})";
    }

    /// <summary>
    /// Query compilation, connection pool, templates, and the JIT, which optimizes a method only after it has been
    /// called a few dozen times, twice (tiered compilation with PGO): a rep's stale deals took 26 ms after 40 requests
    /// and 15 ms after 300. Warming for a time rather than a count lets fast reports run more often.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient http, string sentence, TimeSpan warmup, Uri fakeServiceUrl)
    {
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < 2 || warming.Elapsed < warmup; i++)
            await InvokeAsync(http, sentence, fakeServiceUrl);
    }

    private static async Task<ReportFigures> MeasureReportAsync(HttpClient http, SqlCommandRecorder recorder, DatabaseOptions database,
        ReportKind kind, string sentence, int runs, Uri fakeServiceUrl, string? sqlDirectory)
    {
        // Two more requests after the other reports ran: their data, not this report's, is what the caches hold now.
        for (var i = 0; i < 2; i++)
            await InvokeAsync(http, sentence, fakeServiceUrl);

        recorder.Start(database.ConnectionString);
        var (_, answer) = await InvokeAsync(http, sentence, fakeServiceUrl);
        var reads = recorder.Stop().Where(c => c.IsRead).ToList();
        if (sqlDirectory is not null)
        {
            Directory.CreateDirectory(sqlDirectory);
            await File.WriteAllTextAsync(Path.Combine(sqlDirectory, $"{kind}.sql"), BareSqlReplay.Script(reads));
        }

        // Each request is followed by one replay of its bare SQL: the two medians then come from the same moments of the
        // machine. Timed apart, a floor of 1 ms measured 0.6 in one run and 1.4 in the next.
        await using var replay = database.Provider == DatabaseProvider.Sqlite   // the replay is SQLite-only
            ? await BareSqlReplay.OpenAsync(database.ConnectionString, reads, CancellationToken.None) : null;
        var times = new List<double>();
        var bareTimes = new List<double>();
        var preparedTimes = new List<double>();
        long rows = 0;
        for (var i = 0; i < runs; i++)
        {
            times.Add((await InvokeAsync(http, sentence, fakeServiceUrl)).Milliseconds);
            if (replay is not null)
            {
                var (bareMs, bareRows) = await replay.RunOnceAsync(CancellationToken.None);
                bareTimes.Add(bareMs);
                preparedTimes.Add(await replay.RunPreparedOnceAsync(CancellationToken.None));
                rows = bareRows;
            }
        }
        times.Sort();
        bareTimes.Sort();
        preparedTimes.Sort();
        double? bare = replay is null ? null : BenchReportsVerb.Percentile(bareTimes, 0.50);
        double? prepared = replay is null ? null : BenchReportsVerb.Percentile(preparedTimes, 0.50);
        return new ReportFigures(kind, sentence, runs, BenchReportsVerb.Percentile(times, 0.50), BenchReportsVerb.Percentile(times, 0.95),
            bare, prepared, reads.Count, rows, answer);
    }

    /// <summary>
    /// The cost of any request, to read the ratios by: a report whose SQL takes less than this cannot be under 2x.
    /// Help, because it is answered without a report's query.
    /// </summary>
    private static async Task<double> MeasureWithoutReportAsync(HttpClient http, int runs, TimeSpan warmup, Uri fakeServiceUrl)
    {
        await WarmUpAsync(http, WithoutReport, warmup, fakeServiceUrl);
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
            times.Add((await InvokeAsync(http, WithoutReport, fakeServiceUrl)).Milliseconds);
        times.Sort();
        return BenchReportsVerb.Percentile(times, 0.50);
    }

    /// <summary>
    /// The HTTP part of any request: a GET of a path the host has no endpoint for (404), through the same middleware,
    /// client and connection as the reports, with no bot work at all.
    /// </summary>
    private static async Task<double> MeasureHttpAloneAsync(HttpClient http, int runs)
    {
        async Task<double> OnceAsync()
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync("/bench/no-such-endpoint");
            await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            return response.StatusCode == System.Net.HttpStatusCode.NotFound
                ? watch.Elapsed.TotalMilliseconds
                : throw new InvalidOperationException($"GET /bench/no-such-endpoint answered {(int)response.StatusCode}, not 404");
        }
        for (var i = 0; i < 500; i++)   // warm: the reports' warm-up asked no 404
            await OnceAsync();
        var times = new List<double>();
        for (var i = 0; i < Math.Max(runs, 100); i++)
            times.Add(await OnceAsync());
        times.Sort();
        return BenchReportsVerb.Percentile(times, 0.50);
    }

    /// <summary>POST /api/messages with an Action.Execute "run" of the sentence; the card comes back in the response.</summary>
    private static async Task<(double Milliseconds, string Answer)> InvokeAsync(HttpClient http, string sentence, Uri fakeServiceUrl)
    {
        var activity = new JsonObject
        {
            ["type"] = "invoke",
            ["name"] = "adaptiveCard/action",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["channelId"] = TeamsWorkspace,
            ["serviceUrl"] = fakeServiceUrl.ToString(),
            ["locale"] = "en-US",
            ["from"] = new JsonObject { ["id"] = TeamsUserId, ["name"] = "Bench" },
            ["recipient"] = new JsonObject { ["id"] = "bench-bot", ["name"] = "CrmBot" },
            ["conversation"] = new JsonObject { ["id"] = "bench-conversation", ["conversationType"] = "personal" },
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject
                {
                    ["type"] = "Action.Execute", ["verb"] = Core.Chat.CardVerbs.Run,
                    ["data"] = new JsonObject { ["command"] = sentence },
                },
            },
        };
        // The client's own work (writing the activity, reading the card into a string) stays out of the time.
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(activity));
        content.Headers.ContentType = new("application/json");
        var watch = Stopwatch.StartNew();
        using var response = await http.PostAsync("/api/messages", content);
        var body = await response.Content.ReadAsByteArrayAsync();
        watch.Stop();
        response.EnsureSuccessStatusCode();
        return (watch.Elapsed.TotalMilliseconds, FirstText(JsonNode.Parse(body)?["value"]) ?? "(no card)");
    }

    /// <summary>The card's first text: its title, to show that the report answered (not refused or misunderstood).</summary>
    private static string? FirstText(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o["type"]?.GetValue<string>() == "TextBlock" => o["text"]?.GetValue<string>(),
        JsonObject o => o.Select(p => p.Key is "body" or "items" or "columns" or "value" ? FirstText(p.Value) : null).FirstOrDefault(t => t is not null),
        JsonArray a => a.Select(FirstText).FirstOrDefault(t => t is not null),
        _ => null,
    };

    /// <summary>Signed slash commands, one every 20 ms, while a Teams client keeps asking reports; ack latency p50/p99.</summary>
    private static async Task<(double P50, double P99, int Delivered)> MeasureSlackAcksAsync(HttpClient http, BenchFakeSlackApi fake, int count)
    {
        using var stopLoad = new CancellationTokenSource();
        var sentences = Sentences.Values.ToArray();
        var load = Task.Run(async () =>
        {
            for (var i = 0; !stopLoad.IsCancellationRequested; i++)
                await InvokeAsync(http, sentences[i % sentences.Length], fake.Address);
        });

        var before = fake.Responses;
        var acks = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var form = $"team_id={SlackTeamId}&user_id={SlackUserId}&channel_id=DBENCH&command=%2Fcrm" +
                $"&text={Uri.EscapeDataString(sentences[i % sentences.Length])}" +
                $"&response_url={Uri.EscapeDataString($"{fake.Address}{BenchFakeSlackApi.ResponsePath.TrimStart('/')}{i}")}&trigger_id=bench.{i}";
            var body = Encoding.UTF8.GetBytes(form);
            var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
            request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
            request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(SlackSigningSecret, timestamp, body));
            var watch = Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            response.EnsureSuccessStatusCode();
            acks.Add(watch.Elapsed.TotalMilliseconds);
            await Task.Delay(20);
        }
        await stopLoad.CancelAsync();
        await load;

        // The queued turns finish in the background: wait (bounded) for their answers to reach the fake.
        var drain = Stopwatch.StartNew();
        while (fake.Responses - before < count && drain.Elapsed < SlackDrainTimeout)
            await Task.Delay(100);
        acks.Sort();
        return (BenchReportsVerb.Percentile(acks, 0.50), BenchReportsVerb.Percentile(acks, 0.99), fake.Responses - before);
    }

    private static string Format(List<ReportFigures> figures, string asker, double warmupSeconds, int runs, int slackCommands,
        double ackP50, double ackP99, int delivered, double peakMb, DatabaseProvider provider, (long Reused, long Reads) statements,
        double withoutReportP50, double httpAloneP50)
    {
        // Two decimals below 10 ms: a rep's answers take 0.3-0.7 ms, and with one decimal 0.25 and 0.34 both printed 0.3.
        static string Ms(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine($"# crmbot bench http ({provider}), as {asker}, {runs} runs per report after {warmupSeconds.ToString(CultureInfo.InvariantCulture)} s of warm-up each (all warmed up before any is measured)");
        text.AppendLine();
        text.AppendLine("| report | sentence | runs | p50 ms | p95 ms | bare SQL p50 ms | SQL prepared once p50 ms | SQL reads | rows read | ratio | card |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var f in figures)
        {
            var bare = f.BareP50 is { } b ? Ms(b) : "n/a";
            var prepared = f.PreparedP50 is { } p ? Ms(p) : "n/a";
            var ratio = f.BareP50 is > 0 ? (f.P50 / f.BareP50.Value).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
            var card = f.Answer.Replace("|", "/").ReplaceLineEndings(" ");
            text.AppendLine($"| {f.Kind} | {f.Sentence} | {f.Runs} | {Ms(f.P50)} | {Ms(f.P95)} | {bare} | {prepared} | {f.Reads} | {f.Rows} | {ratio} | {(card.Length > 60 ? card[..60] + "…" : card)} |");
        }
        text.AppendLine();
        text.AppendLine("The ratio is p50 over the bare SQL, each statement prepared anew as a client without a statement cache runs it. " +
            "The bot keeps SQLite's prepared statements (SqliteStatementCache): the column before shows the same SQL on statements prepared once.");
        text.AppendLine();
        text.AppendLine($"Reads on statements SQLite had prepared before: {statements.Reused} of {statements.Reads} reads while measuring");
        text.AppendLine();
        text.AppendLine($"The same request without a report (\"{WithoutReport}\": identity, conversation, a card, HTTP both ways): p50 {Ms(withoutReportP50)} ms");
        text.AppendLine();
        text.AppendLine($"HTTP alone (a GET the host answers 404, same client and middleware, no bot work): p50 {Ms(httpAloneP50)} ms");
        text.AppendLine();
        text.AppendLine($"Slack /slack/commands ack while reports run: p50 {Ms(ackP50)} ms, p99 {Ms(ackP99)} ms over {slackCommands} commands; answers delivered to response_url: {delivered}/{slackCommands}");
        text.AppendLine();
        text.AppendLine($"Peak working set (host and bench client, one process): {peakMb:F0} MB");
        return text.ToString();
    }
}
