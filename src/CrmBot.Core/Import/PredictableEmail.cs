using System.Globalization;
using System.Text;

namespace CrmBot.Core.Import;

/// <summary>
/// The e-mail given to an imported user whose export has none, so that chat accounts can still be
/// linked by e-mail: "Darcel Schlecht" → "darcel.schlecht@maven.example". Lower case, accents
/// dropped, every run of other characters becomes one dot; hyphens are kept ("mei-mei.johns").
/// </summary>
public static class PredictableEmail
{
    public static string For(string fullName, string domain)
    {
        var local = new StringBuilder();
        foreach (var c in fullName.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
                local.Append(c);
            else if (local.Length > 0 && local[^1] != '.')
                local.Append('.');
        }
        var name = local.ToString().Trim('.');
        return $"{(name.Length == 0 ? "user" : name)}@{domain}";
    }
}
