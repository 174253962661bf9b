using System.Globalization;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;

namespace CrmBot.Teams.Cards;

/// <summary>
/// Reply → template data, one method per card template in cards/ (the only place that knows the
/// field names the templates bind). Text bound into TextBlocks and FactSets is markdown-escaped (Teams
/// reads it as markdown) so names show as typed. Every field a template binds is present and never null: the official
/// templating engine prints a missing field as its literal "${name}" and fails on a null inside text.
/// </summary>
internal sealed class CardData(RecordLinks links)
{
    public const string KpiSummary = "kpi-summary";
    public const string RankedTable = "ranked-table";
    public const string RecordList = "record-list";
    public const string Breakdown = "breakdown";
    public const string Nudge = "nudge";
    public const string Help = "help";
    public const string Message = "message";
    public const string SettingsForm = "settings-form";

    // Wider than this, a table is unreadable in a Teams chat column: rows become records instead.
    private const int MaxTableColumns = 6;

    /// <summary>The template for a reply and the data to expand it with.</summary>
    public (string Template, JsonObject Data) For(Reply reply)
    {
        var template = TemplateOf(reply);
        return (template, reply switch
        {
            { Kind: ReplyKind.Nudge or ReplyKind.Report, Report: { } report } => ForReport(reply, report, template),
            { Kind: ReplyKind.Help } => ForHelp(reply),
            { Kind: ReplyKind.Settings } => ForSettings(reply),
            _ => ForMessage(reply),
        });
    }

    private static string TemplateOf(Reply reply) => reply switch
    {
        { Kind: ReplyKind.Nudge, Report: not null } => Nudge,
        { Kind: ReplyKind.Report, Report: { Chart: not null } } => Breakdown,
        { Kind: ReplyKind.Report, Report: { } report } when report.Tables.Any(t => t.Columns.Count > MaxTableColumns || t.Rows.Any(r => r.Actions.Count > 0)) => RecordList,
        { Kind: ReplyKind.Report, Report.Tables.Count: > 0 } => RankedTable,
        { Kind: ReplyKind.Report, Report: not null } => KpiSummary,
        { Kind: ReplyKind.Help } => Help,
        { Kind: ReplyKind.Settings } => SettingsForm,
        _ => Message,
    };

    private JsonObject ForReport(Reply reply, ReportResult report, string template) => new()
    {
        ["title"] = CardText.Escape(reply.Title),
        ["context"] = CardText.Escape(report.Context),
        ["intro"] = CardText.Escape(reply.Text ?? ""),
        ["facts"] = Array(report.Facts, f => new JsonObject { ["title"] = CardText.Escape(f.Label), ["value"] = CardText.Escape(f.Value.Text) }),
        ["notes"] = Array(report.Notes, n => new JsonObject { ["text"] = CardText.Escape(n) }),
        ["tables"] = Array(report.Tables, t => ForTable(t, reply.Language, asRecords: template is RecordList or Nudge)),
        ["hasChart"] = report.Chart is not null,
        ["chart"] = report.Chart is { } chart ? ForChart(chart, reply.Language) : new JsonObject(),
        ["actions"] = Buttons(report.Actions.Select(ReplyButtons.ForSuggestion).Concat(reply.Buttons), reply.Language),
    };

    /// <summary>
    /// One table, bound as its template shows it: as records (with details and actions) on the templates that list
    /// records, else as a Table (columns, rows of cells). Only that form is built: a plan's card is mostly its tables.
    /// </summary>
    private JsonObject ForTable(ResultTable table, string language, bool asRecords)
    {
        var linkColumn = LinkColumn(table);
        var data = new JsonObject { ["heading"] = CardText.Escape(table.Title ?? "") };
        if (asRecords)
            data["records"] = Array(table.Rows, row => ForRecord(table, row, linkColumn, language));
        else
        {
            data["columns"] = Array(table.Columns, c => new JsonObject
            {
                ["header"] = CardText.Escape(c.Header),
                ["width"] = c.Kind == ValueKind.Text ? 3 : 2,
                ["align"] = c.Align.ToString(),
            });
            data["rows"] = Array(table.Rows, row => new JsonObject
            {
                ["cells"] = Array(row.Cells.Select((cell, i) => (cell, i)), x => new JsonObject
                {
                    ["text"] = CellText(x.cell, x.i == linkColumn ? row.Record : null),
                    ["align"] = x.i < table.Columns.Count ? table.Columns[x.i].Align.ToString() : "Left",
                }),
            });
        }
        data["pageSummary"] = table.HasMore || table.Offset > 0
            ? ReplyButtons.PageSummary(table.Offset, table.Rows.Count, table.TotalRows, language)
            : "";
        data["more"] = Buttons(table is { HasMore: true, NextPage: { } next } ? [ReplyButtons.ShowMore(next, language)] : [], language);
        return data;
    }

    private JsonObject ForRecord(ResultTable table, Row row, int linkColumn, string language)
    {
        var headingIndex = Math.Max(linkColumn, 0);
        return new JsonObject
        {
            ["heading"] = row.Cells.Count > headingIndex ? CellText(row.Cells[headingIndex], row.Record) : "",
            ["details"] = Array(
                row.Cells.Select((cell, i) => (cell, i)).Where(x => x.i != headingIndex && x.cell.Text.Length > 0),
                x => new JsonObject
                {
                    ["title"] = x.i < table.Columns.Count ? CardText.Escape(table.Columns[x.i].Header) : "",
                    ["value"] = CellText(x.cell, null),
                }),
            ["actions"] = Buttons(row.Actions.Select(a => ReplyButtons.ForRowAction(a, links, language)).OfType<ReplyButton>(), language),
        };
    }

    /// <summary>The column that names the row's record: the first text column (the rank comes before the name).</summary>
    private static int LinkColumn(ResultTable table)
    {
        for (var i = 0; i < table.Columns.Count; i++)
            if (table.Columns[i].Kind == ValueKind.Text) return i;
        return 0;
    }

    private string CellText(Cell cell, RecordRef? rowRecord) =>
        (cell.Record ?? rowRecord) is { } record ? CardText.Link(cell.Text, links.UrlOf(record)) : CardText.Escape(cell.Text);

    private static JsonObject ForChart(Chart chart, string language)
    {
        var f = Formats.For(language);
        string Number(double v) => f.Number((decimal)v, v == Math.Floor(v) ? 0 : 2);
        return new JsonObject
        {
            // Teams' stacked vertical bar is Chart.VerticalBar.Grouped with stacked: true (there is no *.Stacked type).
            ["type"] = chart.Kind == ChartKind.Line ? "Chart.Line" : "Chart.VerticalBar.Grouped",
            ["stacked"] = chart.Kind == ChartKind.StackedBar,
            ["title"] = chart.Title,
            ["xTitle"] = chart.XTitle,
            ["yTitle"] = chart.YTitle,
            ["series"] = Array(chart.Series, s => new JsonObject
            {
                ["legend"] = s.Legend,
                ["points"] = Array(chart.Categories.Select((c, i) => (c, i)), p => new JsonObject
                {
                    ["x"] = p.c,
                    ["y"] = p.i < s.Values.Count ? s.Values[p.i] : 0,
                }),
            }),
            ["fallbackFacts"] = Array(chart.Categories.Select((c, i) => (c, i)), p => new JsonObject
            {
                ["title"] = p.c,
                ["value"] = string.Join(" · ", chart.Series.Select(s => $"{s.Legend}: {Number(p.i < s.Values.Count ? s.Values[p.i] : 0)}")),
            }),
        };
    }

    private static JsonObject ForHelp(Reply reply)
    {
        var examplesLabel = Formats.For(reply.Language).IsChinese ? "例如：" : "e.g. ";
        return new JsonObject
        {
            ["title"] = CardText.Escape(reply.Title),
            ["intro"] = CardText.Escape(reply.Text ?? ""),
            ["entries"] = Array(reply.Help, h => new JsonObject
            {
                ["command"] = CardText.Escape(h.Command),
                ["description"] = CardText.Escape(h.Description),
                ["examples"] = h.Examples.Count == 0 ? "" : examplesLabel + string.Join(" · ", h.Examples.Select(CardText.Escape)),
            }),
            ["actions"] = Buttons(reply.Buttons, reply.Language),
        };
    }

    private static JsonObject ForMessage(Reply reply) => new()
    {
        ["title"] = CardText.Escape(reply.Title),
        ["text"] = CardText.Escape(reply.Text ?? reply.Report?.Context ?? ""),
        ["color"] = reply.Kind switch
        {
            ReplyKind.Refusal or ReplyKind.Error => "Attention",
            ReplyKind.Confirmation => "Good",
            _ => "Default",
        },
        ["actions"] = Buttons(reply.Buttons, reply.Language),
    };

    private static JsonObject ForSettings(Reply reply) => new()
    {
        ["title"] = CardText.Escape(reply.Title),
        ["intro"] = CardText.Escape(reply.Text ?? ""),
        ["inputs"] = Array(reply.Inputs, i => new JsonObject
        {
            ["id"] = i.Id,
            ["label"] = i.Label,
            ["kind"] = i.Kind == InputKind.MultilineText ? "multiline" : i.Kind.ToString().ToLowerInvariant(),
            ["value"] = i.Kind == InputKind.Toggle ? (i.Value is "true" ? "true" : "false") : i.Value ?? "",
            ["placeholder"] = i.Placeholder ?? "",
            ["choices"] = Array(i.Choices, c => new JsonObject { ["title"] = c.Label, ["value"] = c.Value }),
        }),
        ["actions"] = Buttons(reply.Buttons, reply.Language),
    };

    private static JsonArray Buttons(IEnumerable<ReplyButton> buttons, string language) => Array(buttons, b =>
    {
        var data = new JsonObject();
        foreach (var (key, value) in b.Data) data[key] = value;
        // A button with a form is an Action.ShowCard holding the inputs and a Save button. Input ids must
        // be unique in the card, so each is prefixed with the button's form key; TeamsTurnHandler strips it.
        var formKey = b.Form.Count > 0 ? CardForms.KeyOf(b) : null;
        if (formKey is not null) data[CardForms.FormField] = formKey;
        // Action.Submit has no verb: the fallback carries it in its data, as CardAction expects.
        var submitData = (JsonObject)data.DeepClone();
        submitData["verb"] = b.Verb;
        return new JsonObject
        {
            ["title"] = b.Label,
            ["verb"] = b.Verb,
            ["data"] = data,
            ["submitData"] = submitData,
            ["isLink"] = b.Url is not null,
            ["isForm"] = formKey is not null,
            ["formInputs"] = Array(b.Form, i => new JsonObject
            {
                ["id"] = CardForms.InputId(formKey!, i.Id),
                ["label"] = i.Label,
                ["kind"] = i.Kind == InputKind.MultilineText ? "multiline" : i.Kind.ToString().ToLowerInvariant(),
                ["placeholder"] = i.Placeholder ?? "",
                ["required"] = i.Required,
                ["errorMessage"] = Formats.For(language).IsChinese ? "請填寫此欄。" : "Please fill this in.",
            }),
            ["submitTitle"] = ActionForms.SubmitLabel(language),
            ["url"] = b.Url ?? "",
            ["style"] = b.Primary ? "positive" : "default",
        };
    });

    private static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode> map) => new([.. items.Select(map)]);
}
