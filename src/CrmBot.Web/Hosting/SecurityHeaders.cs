namespace CrmBot.Web.Hosting;

/// <summary>
/// Browser hardening headers on every response. The bot's endpoints are called by Teams and Slack, never
/// framed or sniffed; the playground is the one HTML page and gets a CSP that runs only this host's scripts.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    // Scripts only from this host (adaptivecards.min.js and playground.js, no inline script). The Adaptive
    // Cards renderer sets element.style, which CSP does not govern; charts arrive as data: PNGs; card images
    // may be https URLs. Nothing may frame the page.
    public const string PlaygroundPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    // JSON and plain answers: nothing to load, nothing to frame.
    public const string DefaultPolicy = "default-src 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // The Hangfire dashboard brings its own inline scripts; it is closed unless configured, and left as it is.
        if (http.Request.Path.StartsWithSegments("/playground"))
            headers.ContentSecurityPolicy = PlaygroundPolicy;
        else if (!IsDashboard(http))
            headers.ContentSecurityPolicy = DefaultPolicy;
        return next(http);
    }

    private static bool IsDashboard(HttpContext http) =>
        http.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<JobsOptions>>()?.Value.DashboardPath is { } path
        && http.Request.Path.StartsWithSegments(path);
}
