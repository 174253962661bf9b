using System.Net;
using CrmBot.Core.Scheduling;
using CrmBot.Web.Hosting;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
