using System.ComponentModel.DataAnnotations;

namespace CrmBot.Web.Hosting;

/// <summary>Configuration section "Host": limits that apply to every endpoint of this process.</summary>
public sealed class HostLimitsOptions
{
    public const string Section = "Host";

    /// <summary>
    /// Largest request body any endpoint accepts. Teams activities and Slack payloads are a few kB and the
    /// playground sends one line of text, so 256 KB leaves ample room while bounding what a caller can make us buffer.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)] public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}
