using System.ComponentModel.DataAnnotations;

namespace CrmBot.Core.Reports;

/// <summary>Configuration section "Crm": how the CRM's calendar and links work.</summary>
public sealed class CrmOptions : IValidatableObject
{
    public const string Section = "Crm";

    /// <summary>Month the fiscal year starts in (1 = January); quarters follow it.</summary>
    [Range(1, 12)]
    public int FiscalYearStartMonth { get; set; } = 1;

    /// <summary>
    /// Link to a record in the CRM, e.g. "https://crm.example.com/{kind}/{id}"; {kind} is opportunity, account,
    /// lead or user. Empty: records are not linked.
    /// </summary>
    public string? RecordUrlTemplate { get; set; }

    /// <summary>Currency named when a sum is empty (nothing won yet).</summary>
    [RegularExpression("^[A-Z]{3}$")]
    public string DefaultCurrency { get; set; } = "USD";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (string.IsNullOrWhiteSpace(RecordUrlTemplate))
            yield break;
        if (!RecordUrlTemplate.Contains("{id}", StringComparison.Ordinal))
            yield return new ValidationResult("Crm:RecordUrlTemplate must contain {id}.", [nameof(RecordUrlTemplate)]);
        if (!Uri.TryCreate(RecordUrlTemplate.Replace("{kind}", "x").Replace("{id}", "1"), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http"))
            yield return new ValidationResult("Crm:RecordUrlTemplate must be an absolute http(s) URL.", [nameof(RecordUrlTemplate)]);
    }
}
