using CrmBot.Core.Reports;

namespace CrmBot.Core.Chat;

/// <summary>
/// Links a record to the CRM through the configured URL template ("Crm:RecordUrlTemplate", e.g.
/// "https://crm.example.com/{kind}/{id}"); no template, no links.
/// </summary>
public sealed class RecordLinks(string? urlTemplate)
{
    public static readonly RecordLinks None = new(null);

    public bool Enabled => !string.IsNullOrWhiteSpace(urlTemplate);

    public string? UrlOf(RecordRef record) => Enabled
        ? urlTemplate!
            .Replace("{kind}", KindSegment(record.Kind), StringComparison.OrdinalIgnoreCase)
            .Replace("{id}", record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase)
        : null;

    private static string KindSegment(RecordKind kind) => kind switch
    {
        RecordKind.Opportunity => "opportunity",
        RecordKind.Account => "account",
        RecordKind.Lead => "lead",
        _ => "user",
    };
}
