using System.Collections.Concurrent;
using System.Diagnostics;
using CrmBot.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Web.Tests.Faults;

/// <summary>
/// The real `crmbot` executable as a child process (Jobs on, the nudge job ticking every 2 s, a SQLite file
/// shared with the test), nudging reps through a fake Bot Connector on 127.0.0.1 that accepts the first sends
/// and then hangs. The process is killed (SIGKILL) while a send is in flight, after the outbox has recorded it;
/// a second process on the same database finishes the day: every rep ends with exactly one accepted nudge.
/// Bounded: about 15–30 s on 2 cores; every wait has a deadline well under 60 s.
/// </summary>
public sealed class ProcessKillFacts : IDisposable
{
    private const int Reps = 6;
    private const int AcceptedBeforeHang = 2;
    private readonly string _directory = Directory.CreateTempSubdirectory("crmbot-kill-").FullName;
    private string DatabasePath => Path.Combine(_directory, "crmbot.db");
    private string ConnectionString => $"Data Source={DatabasePath};Pooling=False";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* best effort */ }
    }

    [Fact]
    public async Task Outbox_DeliversEveryNudgeExactlyOnce_WhenTheHostIsKilledMidSendAndRestarted()
    {
        await using var connector = await FakeChannelServer.StartAsync();
        var accepted = new ConcurrentDictionary<string, int>();
        var hang = new TaskCompletionSource();
        connector.Respond = async (request, ct) =>
        {
            if (!request.Path.EndsWith("/activities")) return null;
            if (!hang.Task.IsCompleted && accepted.Values.Sum() >= AcceptedBeforeHang)
                await hang.Task.WaitAsync(TimeSpan.FromSeconds(90), ct); // until the process dies (the connection is reset); capped so a failed test cannot hang the server
            accepted.AddOrUpdate(ConversationOf(request.Path), 1, (_, n) => n + 1);
            return null;
        };
        var reps = await PrepareDatabaseAsync(connector.Url);

        using (var first = StartHost())
        {
            try
            {
                // Recorded in the outbox (the in-flight send's row exists, Pending under its lease), not all sent. Sends of
                // overlapping job runs can be in flight at once, so the hung send may arrive before an accepted one is
                // written down as Sent: the kill waits for both, or the test would kill inside that window.
                await WaitUntilAsync(async () => connector.Requests.Count(r => r.Path.EndsWith("/activities")) > AcceptedBeforeHang
                                                 && (await CountDeliveriesAsync()).Sent == AcceptedBeforeHang, first);
            }
            finally
            {
                await KillAsync(first); // SIGKILL: no shutdown, no finally; also when the wait failed, so no host outlives the test
            }
        }
        var (sentBefore, pendingBefore) = await CountDeliveriesAsync();
        Assert.Equal(AcceptedBeforeHang, sentBefore);
        Assert.True(pendingBefore >= 1, "the in-flight delivery was recorded before its send");
        Assert.True(accepted.Values.Sum() < Reps, "the kill came before every rep was nudged");

        hang.SetResult(); // the connector behaves from now on
        using (var second = StartHost())
        {
            try
            {
                // The recorded-but-unsent delivery waits for its lease (Nudges:LeaseSeconds=10), then is claimed and sent.
                await WaitUntilAsync(async () => (await CountDeliveriesAsync()).Sent == Reps, second);
            }
            finally
            {
                await KillAsync(second);
            }
        }

        Assert.Equal(reps.Order(), accepted.Keys.Order());
        Assert.All(accepted, a => Assert.Equal(1, a.Value));
    }

    private static string ConversationOf(string path) => Uri.UnescapeDataString(path.Split('/')[^2]);

    /// <summary>Migrated like the host does it; reps due now (UTC, every day, no quiet hours) with a stale deal and a stored 1:1 chat.</summary>
    private async Task<List<string>> PrepareDatabaseAsync(string serviceUrl)
    {
        await using var db = DatabaseSetup.CreateSqlite(ConnectionString);
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
        await db.Database.MigrateAsync();
        var conversations = new List<string>();
        for (var i = 0; i < Reps; i++)
        {
            var rep = new User
            {
                Name = $"Rep {i}", Email = $"rep{i}@example.com", TimeZone = "UTC", NudgeTime = TimeOnly.MinValue,
                WorkingDaysMask = 0b111_1111, QuietHoursStart = TimeOnly.MinValue, QuietHoursEnd = TimeOnly.MinValue,
            };
            db.Users.Add(rep);
            await db.SaveChangesAsync();
            var stale = DateTime.UtcNow.AddDays(-60);
            db.Opportunities.Add(new Opportunity { Name = $"Deal {i}", OwnerId = rep.Id, Stage = OpportunityStage.Prospecting, CreatedAt = stale, LastModifiedAt = stale });
            db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Teams, Workspace = "emulator", PlatformUserId = $"user-{i}", UserId = rep.Id, LinkedAt = stale });
            var conversation = $"conv-{i}";
            db.ConversationRefs.Add(new ConversationRef
            {
                Platform = ChatPlatform.Teams, Workspace = "emulator", ConversationId = conversation, ConversationType = "personal",
                ServiceUrl = serviceUrl, ChannelId = "emulator", BotId = "bot", UserId = rep.Id, PlatformUserId = $"user-{i}", UpdatedAt = stale,
            });
            conversations.Add(conversation);
        }
        await db.SaveChangesAsync();
        return conversations;
    }

    private async Task<(int Sent, int Pending)> CountDeliveriesAsync()
    {
        await using var db = DatabaseSetup.CreateSqlite(ConnectionString);
        var statuses = await db.Deliveries.Select(d => d.Status).ToListAsync();
        return (statuses.Count(s => s == DeliveryStatus.Sent), statuses.Count(s => s == DeliveryStatus.Pending));
    }

    /// <summary>`dotnet crmbot.dll serve` from the test's output folder (the Web project is referenced, so it is built there).</summary>
    private Process StartHost()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "exec", Path.Combine(AppContext.BaseDirectory, "crmbot.dll"), "serve",
            "--urls=http://127.0.0.1:0",
            $"--Database:ConnectionString={ConnectionString}",
            "--Database:SeedDemoData=false",
            "--Playground:Enabled=false",
            "--Jobs:NudgeCron=*/2 * * * * *",
            "--Jobs:ScheduledPostCron=0 0 1 1 *",
            "--Jobs:EscalationCron=0 0 1 1 *",
            "--Nudges:LeaseSeconds=10",
            "--Logging:LogLevel:Default=Warning",
        })
            start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        // Drained so a chatty host never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task KillAsync(Process host)
    {
        host.Kill(entireProcessTree: true);
        await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Process host)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        while (!await condition())
        {
            Assert.False(host.HasExited, $"crmbot exited with {(host.HasExited ? host.ExitCode : 0)}");
            await Task.Delay(100, deadline.Token);
        }
    }
}
