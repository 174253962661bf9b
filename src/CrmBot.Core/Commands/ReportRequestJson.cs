using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrmBot.Core.Commands;

/// <summary>
/// The compact JSON form of a <see cref="ReportRequest"/> carried by "show more" buttons
/// (data["request"] of <c>CardVerbs.Page</c>): enums as names, defaults left out, so that the
/// button value stays far below Slack's 2,000-character limit.
/// </summary>
public static class ReportRequestJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 8,
    };

    public static string Serialize(ReportRequest request) => JsonSerializer.Serialize(request, Options);

    /// <summary>The request, or null when the text is not one (a forged or truncated button payload).</summary>
    public static ReportRequest? TryDeserialize(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json.Length > 4_000)
            return null;
        try
        {
            var request = JsonSerializer.Deserialize<ReportRequest>(json, Options);
            return request is { Offset: >= 0, Period: not null } ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
