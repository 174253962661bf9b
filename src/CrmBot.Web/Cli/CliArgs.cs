namespace CrmBot.Web.Cli;

/// <summary>A verb's arguments: positional words and "--name value" options (an option followed by another option or nothing is a flag).</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);

    public CliArgs(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].StartsWith("--", StringComparison.Ordinal) && list[i].Length > 2)
            {
                var name = list[i][2..];
                var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
                _options[name] = hasValue ? list[++i] : null;
            }
            else
                Positional.Add(list[i]);
        }
    }

    public List<string> Positional { get; } = [];

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>Options not in <paramref name="known"/>: a typo should be an error, not silently ignored.</summary>
    public IEnumerable<string> Unknown(params string[] known) => _options.Keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase));
}
