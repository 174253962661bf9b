using System.Text;

namespace CrmBot.Core.Commands;

/// <summary>
/// The message while the parser reads it: phrases it has understood are blanked out (replaced by a
/// separator) so that what remains is the part still to place, e.g. a name after "for".
/// </summary>
internal sealed class ParseText
{
    /// <summary>Marks consumed text; control characters never survive normalization, so input cannot contain it.</summary>
    public const char Consumed = '\u0001';

    private readonly char[] _cased;
    private readonly char[] _lower;

    public ParseText(string cased, string lower)
    {
        _cased = cased.ToCharArray();
        _lower = lower.ToCharArray();
    }

    private string? _lowerText;

    /// <summary>The lower-case text with consumed phrases blanked (cached until the next <see cref="Consume"/>).</summary>
    public string Lower => _lowerText ??= new string(_lower);

    public string CasedSlice(int index, int length) => new string(_cased, index, length).Trim();

    public void Consume(int index, int length)
    {
        for (var i = index; i < index + length; i++)
            _lower[i] = _cased[i] = Consumed;
        _lowerText = null;
    }

    public bool IsConsumed(int index) => _lower[index] == Consumed;

    /// <summary>Words (with their position) that are left, split at spaces, consumed text and punctuation.</summary>
    public List<Word> Words()
    {
        var words = new List<Word>();
        var start = -1;
        for (var i = 0; i <= _lower.Length; i++)
        {
            var c = i < _lower.Length ? _lower[i] : ' ';
            var inWord = c != ' ' && c != Consumed && !IsSeparator(c);
            if (inWord && start < 0)
                start = i;
            else if (!inWord && start >= 0)
            {
                AddWord(words, start, i - start);
                start = -1;
            }
        }
        return words;
    }

    private void AddWord(List<Word> words, int start, int length)
    {
        // Trailing dots and apostrophes belong to the sentence, not the word ("Acme." / "team's").
        var text = new string(_lower, start, length);
        while (length > 0 && text[length - 1] is '.' or '\'' or '-')
            text = text[..--length];
        if (text.EndsWith("'s", StringComparison.Ordinal))
            text = text[..(length -= 2)];
        if (length > 0)
            words.Add(new Word(text, new string(_cased, start, length), start, length));
    }

    /// <summary>Punctuation between words; '@', '.', '-' and apostrophes stay inside e-mail addresses and names.</summary>
    private static bool IsSeparator(char c) =>
        !char.IsLetterOrDigit(c) && c is not ('@' or '.' or '-' or '\'' or '_' or '%' or NormalizedText.MentionMark) || char.IsWhiteSpace(c);

    public static string Join(IEnumerable<string> parts) => new StringBuilder().AppendJoin(' ', parts).ToString();
}

internal sealed record Word(string Lower, string Cased, int Index, int Length)
{
    public bool IsMention => Lower.Length > 2 && Lower[0] == NormalizedText.MentionMark;
}
