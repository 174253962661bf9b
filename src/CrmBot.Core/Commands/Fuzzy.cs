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

    /// <summary>The distance, or max + 1 as soon as it is certain to exceed <paramref name="max"/>.</summary>
    public static int Distance(string a, string b, int max = int.MaxValue)
    {
        if (a.Length > 64 || b.Length > 64)
            return a == b ? 0 : Math.Max(a.Length, b.Length);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            var rowMin = int.MaxValue;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
                rowMin = Math.Min(rowMin, v);
            }
            if (rowMin > max)
                return max + 1;
        }
        return d[a.Length, b.Length];
    }
}
