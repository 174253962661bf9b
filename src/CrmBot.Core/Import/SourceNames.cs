namespace CrmBot.Core.Import;

/// <summary>
/// One spelling per lead source across an export's files: Zoho's leads say "Online Store" where its deals
/// say "OnlineStore". Spellings equal but for spaces and case are one source, written the way that has
/// the most spaces (then the first seen), so reports group them together.
/// </summary>
public sealed class SourceNames
{
    private readonly Dictionary<string, string> _canonical = new(StringComparer.Ordinal);

    public SourceNames(IEnumerable<string?> spellings)
    {
        foreach (var spelling in spellings)
        {
            if (spelling is null)
                continue;
            var key = Key(spelling);
            if (!_canonical.TryGetValue(key, out var known) || Spaces(spelling) > Spaces(known))
                _canonical[key] = spelling;
        }
    }

    public string? Canonical(string? spelling) => spelling is null ? null : _canonical.GetValueOrDefault(Key(spelling), spelling);

    private static string Key(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    private static int Spaces(string s) => s.Count(char.IsWhiteSpace);
}
