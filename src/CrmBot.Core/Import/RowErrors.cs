namespace CrmBot.Core.Import;

/// <summary>Collects every rejected row ("file:line: reason") so that one run reports them all, not just the first.</summary>
public sealed class RowErrors
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages => _messages;

    public bool Any => _messages.Count > 0;

    public void Add(CsvRow row, string reason) => _messages.Add($"{row.Where}: {reason}");

    /// <summary>Maps each row with <paramref name="parse"/>; a row that throws <see cref="RowRejectedException"/> is recorded and skipped.</summary>
    public List<T> Parse<T>(CsvFile file, Func<CsvRow, T> parse)
    {
        var parsed = new List<T>(file.Rows.Count);
        foreach (var row in file.Rows)
        {
            try
            {
                parsed.Add(parse(row));
            }
            catch (RowRejectedException e)
            {
                Add(row, e.Message);
            }
        }
        return parsed;
    }
}
