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
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    public static string Serialize(ReportRequest request) => JsonSerializer.Serialize(request, Options);

    /// <summary>Null when the text is not a request (a tampered or outdated button).</summary>
    public static ReportRequest? TryDeserialize(string json)
    {
        try { return JsonSerializer.Deserialize<ReportRequest>(json, Options); }
        catch (JsonException) { return null; }
    }
}
