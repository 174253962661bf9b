namespace CrmBot.Core.Commands;

/// <summary>Typo tolerance for keywords: optimal-string-alignment Damerau–Levenshtein distance.</summary>
public static class Fuzzy
{
    /// <summary>
    /// Edits a typed word may differ by and still count as the keyword: none for short words (where
    /// one edit turns "lost" into "last"), one up to 7 letters ("leaderbord"), two from 8.
    /// </summary>
    public static int Tolerance(string keyword) => keyword.Length switch { <= 4 => 0, <= 7 => 1, _ => 2 };

    public static bool Matches(string typed, string keyword)
    {
        if (typed == keyword)
            return true;
        var tolerance = Tolerance(keyword);
        return tolerance > 0 && Math.Abs(typed.Length - keyword.Length) <= tolerance && Distance(typed, keyword, tolerance) <= tolerance;
    }

    /// <summary>The distance, or max + 1 as soon as it is certain to exceed <paramref name="max"/>. Three rolling rows: no allocation for keyword-sized words.</summary>
    public static int Distance(string a, string b, int max = int.MaxValue)
    {
        if (a.Length > 64 || b.Length > 64)
            return a == b ? 0 : Math.Max(a.Length, b.Length);
        Span<int> before = stackalloc int[b.Length + 1];
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    v = Math.Min(v, before[j - 2] + 1);
                current[j] = v;
                rowMin = Math.Min(rowMin, v);
            }
            if (rowMin > max)
                return max + 1;
            var recycled = before;
            before = previous;
            previous = current;
            current = recycled;
        }
        return previous[b.Length];
    }
}
