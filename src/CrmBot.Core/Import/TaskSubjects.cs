namespace CrmBot.Core.Import;

/// <summary>
/// Zoho task subjects spell the same thing many ways ("follow up", "Follow UP", "Followup", "Folllow up",
/// "Call`"): the common ones are written one way so that lists and counts group them. Anything else is kept as typed.
/// </summary>
public static class TaskSubjects
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["followup"] = "Follow up", ["folllowup"] = "Follow up", ["folowup"] = "Follow up", ["follwoup"] = "Follow up",
        ["follolwup"] = "Follow up", ["follow"] = "Follow up",
        ["call"] = "Call", ["email"] = "Email", ["mail"] = "Email",
    };

    public static string? Normalize(string? subject)
    {
        if (subject is null)
            return null;
        var letters = string.Concat(subject.Where(char.IsLetter)).ToLowerInvariant();
        return Known.GetValueOrDefault(letters, subject);
    }
}
