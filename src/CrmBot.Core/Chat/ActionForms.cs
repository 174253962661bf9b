using CrmBot.Core.Localization;

namespace CrmBot.Core.Chat;

/// <summary>
/// The short form a button asks for before its action runs: the notes of a logged call or e-mail, the
/// date (and an optional reason) of "snooze until…". One definition for both channels: Teams shows it
/// inside the card, Slack in a modal; either way the values join the action's data under the input ids.
/// </summary>
public static class ActionForms
{
    public const string Notes = "notes";
    public const string Until = "until";
    public const string Reason = "reason";

    /// <summary>The inputs <paramref name="action"/> still needs, or none when it can run as it is.</summary>
    public static IReadOnlyList<ReplyInput> For(CardAction action, string language) => For(action.Verb, action.Data, language);

    public static IReadOnlyList<ReplyInput> For(string verb, IReadOnlyDictionary<string, string> data, string language)
    {
        var zh = Formats.For(language).IsChinese;
        return verb switch
        {
            CardVerbs.LogActivity when !data.ContainsKey(Notes) =>
                [new ReplyInput(Notes, zh ? "備註" : "Notes", InputKind.MultilineText)
                {
                    Required = true,
                    Placeholder = zh ? "談了什麼、下一步是什麼" : "What was said, what happens next",
                }],
            CardVerbs.Snooze when !data.ContainsKey("days") && !data.ContainsKey(Until) =>
            [
                new ReplyInput(Until, zh ? "延後至" : "Snooze until", InputKind.Date) { Required = true },
                new ReplyInput(Reason, zh ? "原因（選填）" : "Reason (optional)", InputKind.Text)
                {
                    Placeholder = zh ? "例如：窗口休假到三月" : "e.g. champion on holiday until March",
                },
            ],
            _ => [],
        };
    }

    /// <summary>
    /// What was typed into a form (notes, a snooze reason), quoted for a failure message where the form is gone by
    /// the time its action fails: Slack's modal closes when it is submitted. (On Teams a failed action keeps the
    /// card, inputs and all.) Null when nothing was typed.
    /// </summary>
    public static string? Typed(CardAction action, string language)
    {
        var typed = new[] { Notes, Reason }
            .Select(id => action.Data.TryGetValue(id, out var value) ? value.Trim() : "")
            .Where(value => value.Length > 0).ToList();
        if (typed.Count == 0) return null;
        var text = string.Join("\n\n", typed);
        return Formats.For(language).IsChinese ? $"您輸入的內容如下，以免遺失：\n{text}" : $"What you typed, so that it is not lost:\n{text}";
    }

    /// <summary>The label of the button that sends a filled-in form.</summary>
    public static string SubmitLabel(string language) => Formats.For(language).IsChinese ? "儲存" : "Save";
}
