using CrmBot.Core.Chat;

namespace CrmBot.Teams.Cards;

/// <summary>
/// How a button's form (<see cref="ReplyButton.Form"/>) travels through a card: every input id is
/// "{form key}/{input id}" (a card may hold ten "notes" boxes, and ids must be unique in it), and the
/// Save button's data names its form key. Both ways live here so the card and the handler agree.
/// </summary>
public static class CardForms
{
    public const string FormField = "form";

    /// <summary>A key unique to the button in its card: its verb and data (distinct buttons differ in one of them).</summary>
    public static string KeyOf(ReplyButton button) =>
        string.Join(".", [button.Verb, .. button.Data.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Value)])
            .Replace('/', '_');

    public static string InputId(string formKey, string inputId) => formKey + "/" + inputId;

    /// <summary>
    /// The data of a submitted form as the engine wants it: the form's values under their own ids. Inputs
    /// of other forms in the same card (clients may send every input of the card) are dropped.
    /// </summary>
    public static Dictionary<string, string> Unwrap(Dictionary<string, string> data)
    {
        if (!data.Remove(FormField, out var formKey)) return data;
        var prefix = formKey + "/";
        foreach (var key in data.Keys.Where(k => k.Contains('/', StringComparison.Ordinal)).ToList())
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && data[key].Trim() is { Length: > 0 } value)
                data[key[prefix.Length..]] = value;
            data.Remove(key);
        }
        return data;
    }
}
