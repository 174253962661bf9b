using CrmBot.Core.Commands;

namespace CrmBot.Core.Reports;

// The channel-neutral answer of a report. Text is already localised and formatted for the asker's
// language (so Teams, Slack, the playground and `crmbot ask` print the same words); raw values ride
// along for --json, charts and tests.

public sealed record ReportResult
{
    public required ReportKind Kind { get; init; }
    /// <summary>"en" or "zh-TW".</summary>
    public required string Language { get; init; }
    public required string Title { get; init; }
    /// <summary>Who the numbers cover: "Team North", "Darcel Schlecht", "All teams".</summary>
    public required string Scope { get; init; }
    /// <summary>The period used, localised ("2017 Q3", "2017年第3季"); null for reports without one (stale deals).</summary>
    public string? Period { get; init; }
    /// <summary>Resolved period, half-open [Start, End) in UTC; null when the report has none.</summary>
    public DateTimeOffset? PeriodStart { get; init; }
    public DateTimeOffset? PeriodEnd { get; init; }
    public required DateOnly AsOf { get; init; }
    /// <summary>"Team North · 2017 Q3 · as of 2017-09-30", localised: what every answer shows.</summary>
    public required string Context { get; init; }
    public IReadOnlyList<Fact> Facts { get; init; } = [];
    public IReadOnlyList<ResultTable> Tables { get; init; } = [];
    public Chart? Chart { get; init; }
    /// <summary>Follow-up questions offered as buttons ("Lost deals this quarter").</summary>
    public IReadOnlyList<SuggestedAction> Actions { get; init; } = [];
    /// <summary>Caveats the reader must see (e.g. amounts in two currencies not summed).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>True when the answer lists personal records (deals, leads, activities of named people): channels must not post it publicly.</summary>
    public bool HasPersonalRecords { get; init; }
}

public enum ValueKind { Text, Count, Money, Percent, Date, Days, Change, Rank }

/// <summary>A formatted value. <see cref="Number"/> is the raw figure (null for text and "n/a").</summary>
public sealed record Cell(string Text, ValueKind Kind = ValueKind.Text, decimal? Number = null, string? Currency = null, RecordRef? Record = null)
{
    public static Cell Of(string text) => new(text);
}

public sealed record Fact(string Label, Cell Value);

public enum Align { Left, Right }

public sealed record Column(string Header, ValueKind Kind = ValueKind.Text)
{
    public Align Align => Kind is ValueKind.Text or ValueKind.Date ? Align.Left : Align.Right;
}

public enum RecordKind { Opportunity, Account, Lead, User, Team }

/// <summary>A CRM record a row stands for: linked to the CRM (URL template) and target of row actions.</summary>
public sealed record RecordRef(RecordKind Kind, int Id, string Name)
{
    /// <summary>The record in the CRM (Crm:RecordUrlTemplate), when configured.</summary>
    public string? Url { get; init; }
}

public sealed record Row(IReadOnlyList<Cell> Cells)
{
    public RecordRef? Record { get; init; }
    /// <summary>Buttons for this row (log a call, snooze…), when the asker may act on it.</summary>
    public IReadOnlyList<RowAction> Actions { get; init; } = [];
}

public sealed record ResultTable
{
    public string? Title { get; init; }
    public required IReadOnlyList<Column> Columns { get; init; }
    public required IReadOnlyList<Row> Rows { get; init; }
    /// <summary>Rows before this page.</summary>
    public int Offset { get; init; }
    /// <summary>All rows the query found; more than Offset + Rows.Count means there is a next page.</summary>
    public int TotalRows { get; init; }
    /// <summary>The request that returns the next page, when there is one.</summary>
    public ReportRequest? NextPage { get; init; }
    public bool HasMore => Offset + Rows.Count < TotalRows;

    /// <summary>
    /// This table with the amounts of a money column all shown with cents when any of them has cents, so that a column
    /// reads "$1,200.00 / $1,234.50" rather than "$1,200 / $1,234.50". Amounts in several currencies at once stay as they are.
    /// </summary>
    public ResultTable WithEvenMoney(Localization.Formats f)
    {
        var uneven = Enumerable.Range(0, Columns.Count).Where(i => Columns[i].Kind == ValueKind.Money && Rows.Any(r => HasCents(r, i))).ToList();
        if (uneven.Count == 0)
            return this;
        return this with
        {
            Rows = [.. Rows.Select(r => r with
            {
                Cells = [.. r.Cells.Select((c, i) => uneven.Contains(i) && c is { Kind: ValueKind.Money, Number: { } n, Currency: { } currency }
                    ? c with { Text = f.Money(n, currency, withCents: true) }
                    : c)],
            })],
        };
    }

    private static bool HasCents(Row row, int column) =>
        column < row.Cells.Count && row.Cells[column] is { Kind: ValueKind.Money, Number: { } n } && decimal.Truncate(n) != n;
}

public enum ChartKind { StackedBar, Bar, Line }

/// <summary>Chart data: one value per category per series (stacked when <see cref="Kind"/> is StackedBar).</summary>
public sealed record Chart(ChartKind Kind, string Title, string XTitle, string YTitle, IReadOnlyList<string> Categories, IReadOnlyList<ChartSeries> Series);

public sealed record ChartSeries(string Legend, IReadOnlyList<double> Values);

/// <summary>A follow-up question as a button: clicking it runs <see cref="Request"/> (or the command text).</summary>
public sealed record SuggestedAction(string Label, string CommandText);

public enum RowActionKind { LogCall, LogEmail, Snooze, OpenInCrm }

/// <summary>A button on a record. Snooze carries <see cref="Days"/> (7, 30) or asks for a date.</summary>
public sealed record RowAction(RowActionKind Kind, string Label, RecordRef Record, int? Days = null);
