using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Reports;
using CrmBot.Teams.Cards.Templating;

namespace CrmBot.Teams.Cards;

/// <summary>
/// Turns a neutral <see cref="Reply"/> into an Adaptive Card 1.5 (the attachment content): picks the
/// template from cards/, maps the reply to its data (<see cref="CardData"/>) and expands it. A card
/// that would exceed the size budget shows fewer rows and a "show more" button for the rest.
/// </summary>
public sealed class AdaptiveCardRenderer(RecordLinks? links = null, int maxCardBytes = AdaptiveCardRenderer.DefaultMaxCardBytes)
{
    /// <summary>Teams rejects messages over about 100 KB counted as UTF-16; 80 KB leaves room for the activity around the card.</summary>
    public const int DefaultMaxCardBytes = 80 * 1024;

    // Measured as sent in UTF-16: non-ASCII text counts as its characters, not as \u escapes.
    private static readonly JsonSerializerOptions MeasureOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly CardData _data = new(links ?? RecordLinks.None);
    private readonly TemplateExpander _expander = new();

    public JsonObject Render(Reply reply)
    {
        var card = Expand(reply);
        while (Utf16Bytes(card) > maxCardBytes && ShortenLongestTable(reply) is { } shorter)
        {
            reply = shorter;
            card = Expand(reply);
        }
        return card;
    }

    /// <summary>The card's size as Teams counts it: UTF-16 code units × 2.</summary>
    public static int Utf16Bytes(JsonNode card) => card.ToJsonString(MeasureOptions).Length * 2;

    /// <summary>The template name and data a reply expands from (for tests and the template export).</summary>
    internal (string Template, JsonObject Data) TemplateDataFor(Reply reply) => _data.For(reply);

    private JsonObject Expand(Reply reply)
    {
        var (template, data) = _data.For(reply);
        return _expander.Expand(CardTemplates.Get(template), data) as JsonObject
            ?? throw new TemplateException($"cards/{template}.json did not expand to a card");
    }

    /// <summary>
    /// The reply with the longest table cut to three quarters of its rows and its next page starting
    /// after them; null when no table can be cut further.
    /// </summary>
    private static Reply? ShortenLongestTable(Reply reply)
    {
        if (reply.Report is not { } report) return null;
        var longest = report.Tables.Where(t => t.Rows.Count > 1).MaxBy(t => t.Rows.Count);
        if (longest is null) return null;
        var keep = Math.Max(1, longest.Rows.Count * 3 / 4);
        var shorter = longest with
        {
            Rows = longest.Rows.Take(keep).ToList(),
            TotalRows = Math.Max(longest.TotalRows, longest.Offset + longest.Rows.Count),
            NextPage = longest.NextPage is { } next ? next with { Offset = longest.Offset + keep } : null,
        };
        var tables = report.Tables.Select(t => ReferenceEquals(t, longest) ? shorter : t).ToList();
        return reply with { Report = report with { Tables = tables } };
    }
}
