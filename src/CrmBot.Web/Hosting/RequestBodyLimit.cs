using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CrmBot.Web.Hosting;

/// <summary>
/// Rejects a body over Host:MaxRequestBodyBytes before any endpoint reads it: at once when Content-Length
/// says so, and while reading for chunked bodies (Kestrel stops the read; this turns that into a plain 413).
/// </summary>
public sealed class RequestBodyLimit(RequestDelegate next, IOptions<HostLimitsOptions> options, ILogger<RequestBodyLimit> log)
{
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.ContentLength > _limit)
        {
            Reject(http, "declared");
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = _limit;
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
        {
            Reject(http, "streamed");
        }
    }

    private void Reject(HttpContext http, string how)
    {
        log.LogWarning("Rejected a {How} request body over {Limit} bytes on {Method} {Path}", how, _limit, http.Request.Method, http.Request.Path);
        http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        // The body is not read; closing the connection keeps the client from streaming the rest to us.
        http.Response.Headers.Connection = "close";
    }
}
