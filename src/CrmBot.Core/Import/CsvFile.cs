using System.Globalization;
using CsvHelper;

namespace CrmBot.Core.Import;

/// <summary>A file that cannot be imported at all (missing, unreadable, wrong columns): the import stops before touching the database.</summary>
public sealed class ImportFileException(string message) : Exception(message);

/// <summary>One row that cannot be imported; the importer records it as "file:line: reason" and imports nothing.</summary>
public sealed class RowRejectedException(string reason) : Exception(reason);

/// <summary>A CSV export read whole into memory (the exports are a few MB): header-checked, each row knowing its line.</summary>
public sealed class CsvFile
{
    private CsvFile(string name, List<CsvRow> rows) => (Name, Rows) = (name, rows);

    /// <summary>File name as shown in messages (no directory, so messages read the same on every machine).</summary>
    public string Name { get; }

    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Reads <paramref name="directory"/>/<paramref name="fileName"/>, insisting on the given columns.</summary>
    public static CsvFile Read(string directory, string fileName, params string[] requiredColumns)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
            throw new ImportFileException($"{fileName}: file not found in {directory}.");
        var options = new CsvReaderOptions
        {
            // A stray quote or a row with more or fewer fields is a broken file, not data to guess at.
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
        };
        try
        {
            using var reader = CsvReader.Create(new StreamReader(path, System.Text.Encoding.UTF8), options, leaveOpen: false);
            var header = reader.Headers.Select(h => h.Trim()).ToArray();
            if (header.Length == 0 || header.All(h => h.Length == 0))
                throw new ImportFileException($"{fileName}: the file is empty (no header row).");
            var columns = header.Select((h, i) => (h, i)).DistinctBy(x => x.h).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);
            var missing = requiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
            if (missing.Count > 0)
                throw new ImportFileException($"{fileName}:1: missing column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; is this the right export?");

            var rows = new List<CsvRow>();
            while (reader.Read())
            {
                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                    fields[i] = reader.GetString(i);
                rows.Add(new CsvRow(fileName, (int)reader.LineNumber, columns, fields));
            }
            return new CsvFile(fileName, rows);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFileException($"{fileName}:{e.LineNumber}: malformed CSV ({e.Message})");
        }
        catch (IOException e)
        {
            throw new ImportFileException($"{fileName}: cannot be read ({e.Message}).");
        }
    }
}

/// <summary>One data row; its accessors throw <see cref="RowRejectedException"/> with a reason a person can act on.</summary>
public sealed class CsvRow(string file, int line, IReadOnlyDictionary<string, int> columns, string[] fields)
{
    public string File { get; } = file;
    public int Line { get; } = line;

    /// <summary>"file:line", the way rejected rows are reported.</summary>
    public string Where => $"{File}:{Line}";

    /// <summary>The trimmed value, or null when empty.</summary>
    public string? Optional(string column)
    {
        var value = fields[columns[column]].Trim();
        return value.Length == 0 ? null : value;
    }

    /// <summary>Every field but <paramref name="column"/>, as one string: what makes two rows "the same" apart from their id.</summary>
    public string ContentExcept(string column) =>
        string.Join('\u001f', fields.Where((_, i) => i != columns[column]));

    public string Required(string column) =>
        Optional(column) ?? throw new RowRejectedException($"{column} is empty");

    public int? OptionalInt(string column) =>
        Optional(column) is not { } s ? null
        : int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : throw new RowRejectedException($"{column} '{s}' is not a whole number");

    public decimal? OptionalDecimal(string column) =>
        Optional(column) is not { } s ? null
        : decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v
        : throw new RowRejectedException($"{column} '{s}' is not a number");

    /// <summary>Money as exported by CRMs: "4821", "$22,700.00", "-$5.5" → cents.</summary>
    public long? OptionalMoneyCents(string column)
    {
        if (Optional(column) is not { } s)
            return null;
        var cleaned = s.Replace("$", "").Replace(",", "").Trim();
        return decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
            ? (long)Math.Round(v * 100m, MidpointRounding.AwayFromZero)
            : throw new RowRejectedException($"{column} '{s}' is not an amount");
    }

    /// <summary>A date-time in any of <paramref name="formats"/>, read as UTC (the exports carry no offset).</summary>
    public DateTime? OptionalDateTime(string column, params string[] formats) =>
        Optional(column) is not { } s ? null
        : DateTime.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var v)
            ? DateTime.SpecifyKind(v, DateTimeKind.Utc)
            : throw new RowRejectedException($"{column} '{s}' is not a date ({string.Join(" or ", formats)})");

    public DateTime RequiredDateTime(string column, params string[] formats) =>
        OptionalDateTime(column, formats) ?? throw new RowRejectedException($"{column} is empty");
}
