using System.Net;
using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Core.Scheduling;
using CrmBot.Web.Hosting;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrmBot.Web.Tests.Hosting;

public sealed class JobsFacts
{
    private static async Task<WebApplication> StartHostAsync(params (string Key, string Value)[] settings)
    {
        var app = BotHost.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = "Data Source=:memory:",
                ["Jobs:RunServer"] = "false",
            });
            b.Configuration.AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        });
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task UseCrmJobs_RegistersEveryRecurringJobInUtc_WithTheConfiguredCron()
    {
        await using var app = await StartHostAsync(("Jobs:NudgeCron", "*/10 * * * *"));

        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobs = connection.GetRecurringJobs().ToDictionary(j => j.Id);

        Assert.Equal([Jobs.EscalationJobId, Jobs.NudgesJobId, Jobs.ScheduledPostsJobId], jobs.Keys.Order());
        Assert.All(jobs.Values, j => Assert.Equal("UTC", j.TimeZoneId));
        Assert.Equal("*/10 * * * *", jobs[Jobs.NudgesJobId].Cron);
        Assert.Equal(typeof(NudgeDispatcher), jobs[Jobs.NudgesJobId].Job.Type);
    }

    [Fact]
    public async Task Dashboard_OpensFromLocalhost_AndListsTheSchedules_OnTheEmbeddedDefault()
    {
        await using var app = await StartHostAsync(("Jobs:DashboardPath", "/ops/jobs"));
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };

        var page = await http.GetAsync("/ops/jobs/recurring");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(Jobs.NudgesJobId, html);
        Assert.Contains(Jobs.ScheduledPostsJobId, html);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task AddCrmJobs_ResolvesTheJobsAndValidatesNudgeOptions()
    {
        await using var app = await StartHostAsync(("Nudges:DefaultNudgeTime", "08:30"), ("Nudges:DefaultWorkingDays:0", "Saturday"));
        using var scope = app.Services.CreateScope();

        Assert.NotNull(scope.ServiceProvider.GetRequiredService<NudgeDispatcher>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<ScheduledPostJob>());
        var options = scope.ServiceProvider.GetRequiredService<NudgeOptions>();
        Assert.Equal(new TimeOnly(8, 30), options.DefaultNudgeTime);
        Assert.Contains(DayOfWeek.Saturday, options.DefaultWorkingDays);

        var bad = BotHost.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:RunServer"] = "false", ["Nudges:MaxItems"] = "0",
        }));
        await Assert.ThrowsAsync<OptionsValidationException>(() => bad.StartAsync());
        await bad.DisposeAsync();
    }

    [Theory]
    [InlineData(JobStorageKind.InMemory, "127.0.0.1", null, true)]
    [InlineData(JobStorageKind.InMemory, "10.1.2.3", null, false)]
    [InlineData(JobStorageKind.SqlServer, "127.0.0.1", null, false)]
    [InlineData(JobStorageKind.SqlServer, "10.1.2.3", "s3cret", true)]
    [InlineData(JobStorageKind.SqlServer, "10.1.2.3", "wrong", false)]
    public void DashboardAuthorization_AllowsLocalhostOnTheEmbeddedDefault_AndTheAdminKeyEverywhere(
        JobStorageKind storage, string remoteIp, string? key, bool allowed)
    {
        var filter = new JobsDashboardAuthorization(new JobsOptions { Storage = storage, DashboardApiKey = "s3cret" });
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        http.Connection.RemoteIpAddress = IPAddress.Parse(remoteIp);
        if (key is not null)
            http.Request.Headers[JobsDashboardAuthorization.KeyHeader] = key;

        using var jobStorage = new InMemoryStorage();
        Assert.Equal(allowed, filter.Authorize(new AspNetCoreDashboardContext(jobStorage, new DashboardOptions(), http)));
    }
}

/// <summary>The real wiring end to end: a Hangfire server in the host runs the recurring nudge job from DI.</summary>
public sealed class JobsServerFacts : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"crmbot-jobs-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Fact]
    public async Task TriggeredNudgeJob_RunsOnTheHostsHangfireServer_AndSendsTheDm()
    {
        // Monday 2026-02-09 09:00 in Berlin.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 2, 9, 8, 0, 0, TimeSpan.Zero));
        var sender = new CapturingSender();
        int repId;
        using (var db = DatabaseSetup.CreateSqlite($"Data Source={_path}"))
        {
            db.Database.EnsureCreated();
            var rep = new User { Name = "Berta", Email = "berta@example.com", TimeZone = "Europe/Berlin" };
            db.Users.Add(rep);
            db.Opportunities.Add(new Opportunity { Name = "Cold deal", Owner = rep, CreatedAt = clock.GetUtcNow().UtcDateTime.AddDays(-90), LastModifiedAt = clock.GetUtcNow().UtcDateTime.AddDays(-40) });
            db.SaveChanges();
            db.ChatIdentities.Add(new ChatIdentity { Platform = ChatPlatform.Teams, Workspace = "t", PlatformUserId = "29:berta", UserId = rep.Id });
            db.SaveChanges();
            repId = rep.Id;
        }
        await using var app = BotHost.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Database:ConnectionString"] = $"Data Source={_path}" });
            b.Services.AddSingleton<TimeProvider>(clock);
            b.Services.AddSingleton<IProactiveSender>(sender);
        });
        await app.StartAsync();
        try
        {
            app.Services.GetRequiredService<IRecurringJobManager>().Trigger(Jobs.NudgesJobId);
            var dm = await sender.FirstAsync.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(repId, dm.UserId);
            Assert.Equal("Cold deal", dm.Reply.Report!.Tables[0].Rows[0].Record!.Name);
        }
        finally
        {
            // Stopped, not only disposed: Hangfire's server waits without limit for its workers when disposed unstopped.
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StopAsync(stopping.Token);
        }
    }

    private sealed class CapturingSender : IProactiveSender
    {
        private readonly TaskCompletionSource<(int UserId, Reply Reply)> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<(int UserId, Reply Reply)> FirstAsync => _first.Task;
        public ChatPlatform Platform => ChatPlatform.Teams;

        public Task<SendResult> SendToUserAsync(int userId, Reply reply, CancellationToken ct)
        {
            _first.TrySetResult((userId, reply));
            return Task.FromResult(SendResult.Ok());
        }

        public Task<SendResult> SendToConversationAsync(ConversationRef conversation, Reply reply, CancellationToken ct) =>
            Task.FromResult(SendResult.Ok());
    }
}
