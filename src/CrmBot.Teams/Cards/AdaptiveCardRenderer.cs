using System.Text;
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
    private const int MinRowBytes = 400;

    private readonly CardData _data = new(links ?? RecordLinks.None);
    private readonly TemplateExpander _expander = new();

    public JsonObject Render(Reply reply) => RenderWithJson(reply).Card;

    /// <summary>The card and its JSON, serialized once: to measure it against the budget and to be sent as it is.</summary>
    public RenderedCard RenderWithJson(Reply reply)
    {
        // A table row takes at least about 400 bytes of card (two cells), so no more than the budget ÷ 400 rows can fit:
        // longer tables are cut before they are expanded, not expanded and measured in full (1,000 rows took 50 ms).
        var maxRows = maxCardBytes / MinRowBytes;
        while (reply.Report?.Tables.Any(t => t.Rows.Count > maxRows) == true
               && ReplyPaging.ShortenLongestTable(reply, (double)maxRows / reply.Report.Tables.Max(t => t.Rows.Count)) is { } cut)
            reply = cut;
        var card = Expand(reply);
        // Rows cost roughly the same: aim straight at the budget (with 10% slack), then trim further if needed.
        while (card.Utf16Bytes is var size && size > maxCardBytes
               && ReplyPaging.ShortenLongestTable(reply, 0.9 * maxCardBytes / size) is { } shorter)
        {
            reply = shorter;
            card = Expand(reply);
        }
        return card;
    }

    /// <summary>The template name and data a reply expands from (for tests and the template export).</summary>
    internal (string Template, JsonObject Data) TemplateDataFor(Reply reply) => _data.For(reply);

    private RenderedCard Expand(Reply reply)
    {
        var (template, data) = _data.For(reply);
        var json = _expander.ExpandToUtf8(CardTemplates.Get(template), data);
        return json is [(byte)'{', ..] ? new RenderedCard(json) : throw new TemplateException($"cards/{template}.json did not expand to a card");
    }
}

/// <summary>
/// A card as the JSON it is sent as, written with the options every Teams payload is written with (<see cref="BotJson"/>):
/// UTF-8, text of the Basic Multilingual Plane (Chinese included) as its characters, as Teams counts a card's size in
/// UTF-16 (a \u escape would count six). Its nodes, for the paths that put the card inside an activity, are read from
/// that JSON when first asked for, so the two agree.
/// </summary>
public sealed class RenderedCard
{
    private JsonObject? _card;

    internal RenderedCard(byte[] utf8Json) => Utf8Json = utf8Json;

    public byte[] Utf8Json { get; }

    public JsonObject Card => _card ??= JsonNode.Parse(Utf8Json) as JsonObject ?? throw new InvalidOperationException("A rendered card is a JSON object");

    /// <summary>The size as Teams counts it: UTF-16 code units × 2.</summary>
    public int Utf16Bytes => Encoding.UTF8.GetCharCount(Utf8Json) * 2;
}
