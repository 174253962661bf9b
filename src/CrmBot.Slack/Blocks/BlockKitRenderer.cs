using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Core.Chat;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;
using CrmBot.Slack.Inbound;

namespace CrmBot.Slack.Blocks;

/// <summary>
/// A Slack message built from a neutral reply: fallback text, Block Kit blocks, and the chart to
/// upload as a PNG (Slack has no chart block; see Charts/ChartImageRenderer).
/// </summary>
public sealed record SlackMessage(string Text, JsonArray Blocks)
{
    public Chart? Chart { get; init; }
}

/// <summary>
/// Turns a neutral <see cref="Reply"/> into Block Kit within Slack's limits (<see cref="SlackLimits"/>).
/// Long lists show their first rows and a "show more" button rather than being cut silently.
/// Buttons are encoded by <see cref="SlackActionCodec"/>, the same class that decodes the clicks.
/// </summary>
public sealed class BlockKitRenderer(RecordLinks? links = null)
{
    private readonly RecordLinks _links = links ?? RecordLinks.None;

    public SlackMessage Render(Reply reply)
    {
        var blocks = Build(reply);
        // Too many blocks: show fewer rows (the rest behind "show more") until the message fits.
        while (blocks.Count > SlackLimits.BlocksPerMessage && ReplyPaging.ShortenLongestTable(reply) is { } shorter)
        {
            reply = shorter;
            blocks = Build(reply);
        }
        var text = reply.Report is { } report ? $"{reply.Title} · {report.Context}" : reply.Text is { Length: > 0 } t ? $"{reply.Title}: {t}" : reply.Title;
        return new SlackMessage(Mrkdwn.Truncate(Mrkdwn.Escape(text), SlackLimits.SectionText), new JsonArray([.. blocks]))
        {
            Chart = reply.Report?.Chart,
        };
    }

    private List<JsonNode> Build(Reply reply)
    {
        var blocks = new List<JsonNode> { Header(reply.Title) };
        if (reply.Report is { } report) blocks.Add(Context(report.Context));
        if (!string.IsNullOrWhiteSpace(reply.Text)) blocks.AddRange(Sections(Mrkdwn.Escape(reply.Text)));
        if (reply.Report is { } r) AddReport(blocks, r, reply.Language);
        AddHelp(blocks, reply);
        AddInputs(blocks, reply.Inputs);
        var buttons = (reply.Report?.Actions.Select(ReplyButtons.ForSuggestion) ?? []).Concat(reply.Buttons).ToList();
        blocks.AddRange(ActionBlocks(buttons));
        return blocks;
    }

    private void AddReport(List<JsonNode> blocks, ReportResult report, string language)
    {
        foreach (var chunk in report.Facts.Chunk(SlackLimits.SectionFields))
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray([.. chunk.Select(f => Text(Mrkdwn.Truncate($"*{Mrkdwn.Escape(f.Label)}*\n{Mrkdwn.Escape(f.Value.Text)}", SlackLimits.FieldText)))]),
            });
        foreach (var table in report.Tables)
        {
            if (table.Title is { Length: > 0 } title) blocks.AddRange(Sections($"*{Mrkdwn.Escape(title)}*"));
            if (table.Rows.Any(r => r.Actions.Count > 0))
                foreach (var row in table.Rows)
                {
                    blocks.AddRange(Sections(RowLine(table, row)));
                    var actions = row.Actions.Select(a => ReplyButtons.ForRowAction(a, _links, language)).OfType<ReplyButton>().ToList();
                    blocks.AddRange(ActionBlocks(actions));
                }
            else blocks.AddRange(Sections(string.Join("\n", table.Rows.Select(r => RowLine(table, r)))));
            if (table.HasMore || table.Offset > 0)
                blocks.Add(Context(ReplyButtons.PageSummary(table.Offset, table.Rows.Count, table.TotalRows, language)));
            if (table is { HasMore: true, NextPage: { } next }) blocks.AddRange(ActionBlocks([ReplyButtons.ShowMore(next, language)]));
        }
        foreach (var note in report.Notes) blocks.Add(Context(note));
    }

    /// <summary>"#1 *<url|Ann Lee>* · Won: 3 · Amount: $12,000": the record first, then each column as "header: value".</summary>
    private string RowLine(ResultTable table, Row row)
    {
        var nameColumn = Enumerable.Range(0, table.Columns.Count).FirstOrDefault(i => table.Columns[i].Kind == ValueKind.Text);
        var parts = new List<string>();
        string? rank = null;
        for (var i = 0; i < row.Cells.Count; i++)
        {
            var cell = row.Cells[i];
            if (cell.Text.Length == 0) continue;
            var kind = i < table.Columns.Count ? table.Columns[i].Kind : ValueKind.Text;
            if (kind == ValueKind.Rank && rank is null) rank = "#" + Mrkdwn.Escape(cell.Text);
            else if (i == nameColumn) parts.Insert(0, "*" + Mrkdwn.Link(cell.Text, (cell.Record ?? row.Record) is { } rec ? _links.UrlOf(rec) : null) + "*");
            else parts.Add(i < table.Columns.Count ? $"{Mrkdwn.Escape(table.Columns[i].Header)}: {Mrkdwn.Escape(cell.Text)}" : Mrkdwn.Escape(cell.Text));
        }
        return (rank is null ? "" : rank + " ") + string.Join(" · ", parts);
    }

    private static void AddHelp(List<JsonNode> blocks, Reply reply)
    {
        if (reply.Help.Count == 0) return;
        var examples = Formats.For(reply.Language).IsChinese ? "例如：" : "e.g. ";
        blocks.AddRange(Sections(string.Join("\n", reply.Help.Select(h =>
            $"*{Mrkdwn.Escape(h.Command)}* · {Mrkdwn.Escape(h.Description)}" +
            (h.Examples.Count > 0 ? $"\n_{examples}{Mrkdwn.Escape(string.Join(" · ", h.Examples))}_" : "")))));
    }

    /// <summary>Form fields as input blocks; their values arrive in the block action's state, keyed by the input id.</summary>
    private static void AddInputs(List<JsonNode> blocks, IReadOnlyList<ReplyInput> inputs)
    {
        foreach (var input in inputs)
        {
            JsonObject element = input.Kind switch
            {
                InputKind.Date => new() { ["type"] = "datepicker", ["action_id"] = input.Id },
                InputKind.Time => new() { ["type"] = "timepicker", ["action_id"] = input.Id },
                InputKind.Choice => new()
                {
                    ["type"] = "static_select", ["action_id"] = input.Id,
                    ["options"] = new JsonArray([.. input.Choices.Select(c => Option(c.Label, c.Value))]),
                },
                InputKind.Toggle => new()
                {
                    ["type"] = "checkboxes", ["action_id"] = input.Id,
                    ["options"] = new JsonArray(Option(input.Label, "true")),
                },
                _ => new() { ["type"] = "plain_text_input", ["action_id"] = input.Id, ["multiline"] = input.Kind == InputKind.MultilineText },
            };
            SetInitialValue(element, input);
            blocks.Add(new JsonObject
            {
                ["type"] = "input", ["block_id"] = input.Id, ["optional"] = true,
                ["label"] = Plain(input.Label, SlackLimits.ButtonText * 2), ["element"] = element,
            });
        }
    }

    private static void SetInitialValue(JsonObject element, ReplyInput input)
    {
        if (string.IsNullOrEmpty(input.Value)) return;
        switch (input.Kind)
        {
            case InputKind.Date: element["initial_date"] = input.Value; break;
            case InputKind.Time: element["initial_time"] = input.Value; break;
            case InputKind.Choice when input.Choices.FirstOrDefault(c => c.Value == input.Value) is { Value: not null } chosen:
                element["initial_option"] = Option(chosen.Label, chosen.Value); break;
            case InputKind.Toggle when input.Value == "true": element["initial_options"] = new JsonArray(Option(input.Label, "true")); break;
            case InputKind.Text or InputKind.MultilineText: element["initial_value"] = input.Value; break;
        }
    }

    private static JsonObject Option(string label, string value) => new() { ["text"] = Plain(label, SlackLimits.ButtonText), ["value"] = value };

    private static IEnumerable<JsonNode> ActionBlocks(IReadOnlyList<ReplyButton> buttons) =>
        buttons.Chunk(SlackLimits.ActionsElements).Select(chunk => (JsonNode)new JsonObject
        {
            ["type"] = "actions",
            ["elements"] = new JsonArray([.. chunk.Select(Button)]),
        });

    private static JsonNode Button(ReplyButton button, int index)
    {
        var element = new JsonObject
        {
            ["type"] = "button",
            ["text"] = Plain(button.Label, SlackLimits.ButtonText),
            ["action_id"] = SlackActionCodec.ActionId(button.Verb, index),
        };
        if (button.Url is { } url) element["url"] = url;
        else element["value"] = SlackActionCodec.Value(button.Data);
        if (button.Primary) element["style"] = "primary";
        return element;
    }

    private static JsonObject Header(string title) => new() { ["type"] = "header", ["text"] = Plain(title, SlackLimits.HeaderText) };

    private static JsonObject Context(string text) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(Text(Mrkdwn.Truncate(Mrkdwn.Escape(text), SlackLimits.SectionText))),
    };

    /// <summary>Text as sections of at most 3,000 characters each, split at line ends where possible.</summary>
    private static IEnumerable<JsonNode> Sections(string mrkdwn)
    {
        if (mrkdwn.Length == 0) yield break;
        var lines = mrkdwn.Split('\n');
        var current = new System.Text.StringBuilder();
        foreach (var line in lines.SelectMany(l => l.Chunk(SlackLimits.SectionText).Select(c => new string(c))))
        {
            if (current.Length > 0 && current.Length + 1 + line.Length > SlackLimits.SectionText)
            {
                yield return Section(current.ToString());
                current.Clear();
            }
            if (current.Length > 0) current.Append('\n');
            current.Append(line);
        }
        if (current.Length > 0) yield return Section(current.ToString());
    }

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = Text(mrkdwn) };

    private static JsonObject Text(string mrkdwn) => new() { ["type"] = "mrkdwn", ["text"] = mrkdwn };

    private static JsonObject Plain(string text, int max) => new()
    {
        ["type"] = "plain_text", ["text"] = Mrkdwn.Truncate(text.Length == 0 ? " " : text, max), ["emoji"] = true,
    };
}
