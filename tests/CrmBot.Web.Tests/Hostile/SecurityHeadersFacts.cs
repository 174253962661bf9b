using CrmBot.Web.Hosting;

namespace CrmBot.Web.Tests.Hostile;

public sealed class SecurityHeadersFacts(HostileBot host) : IClassFixture<HostileBot>
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/playground/")]
    [InlineData("/playground/api/users")]
    [InlineData("/no/such/path")]
    public async Task Get_SendsHardeningHeaders_OnEveryResponse(string path)
    {
        var response = await host.Bot.Http.GetAsync(path);

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Playground_RunsOnlyThisHostsScripts()
    {
        var response = await host.Bot.Http.GetAsync("/playground/");

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.PlaygroundPolicy, policy);
        Assert.Contains("script-src 'self';", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        // The page itself must keep working under that policy: no inline script or style in it.
        var page = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(@"<script(?![^>]*\ssrc=)[^>]*>", page);
        Assert.DoesNotContain("style=", page);
        Assert.DoesNotContain("<style", page);
    }

    [Fact]
    public async Task Post_SendsHardeningHeaders_OnARefusal()
    {
        var response = await host.PostAsync("/api/messages", HostileBot.Utf8("{not json"), "application/json");

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
