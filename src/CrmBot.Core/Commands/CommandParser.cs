namespace CrmBot.Core.Commands;

/// <summary>What the parser needs to know about where the message came from.</summary>
/// <param name="BotName">The bot's display name: "@CrmBot" and &lt;at&gt;CrmBot&lt;/at&gt; address the message, they are not a subject.</param>
/// <param name="BotUserId">The bot's Slack user id, stripped from app_mention text (&lt;@U0BOT&gt;).</param>
public sealed record ParseContext(string BotName = "CrmBot", string? BotUserId = null)
{
    public static readonly ParseContext Default = new();
}

/// <summary>
/// Turns a chat message into a <see cref="Command"/> (docs/commands.md lists every form). Never throws:
/// any string gets a command, and words it cannot place become an <see cref="UnknownCommand"/> with the
/// closest commands to suggest.
/// </summary>
public static class CommandParser
{
    /// <summary>
    /// The language a text is written in, by the parser's rule (a Chinese name in an English question stays English);
    /// null when it cannot tell. For the replies a channel makes before or without the engine.
    /// </summary>
    public static string? LanguageOf(string? text) => string.IsNullOrWhiteSpace(text) ? null : Parse(text).Language;

    public static Command Parse(string? text, ParseContext? context = null)
    {
        var normalized = NormalizedText.From(text, context ?? ParseContext.Default);
        var chinese = normalized.HasCjk ? Localization.Formats.TraditionalChinese : null;
        if (normalized.Lower.Length == 0)
            return new HelpCommand { Language = chinese };

        var command = ActionParser.TryParse(normalized) ?? ReportParser.TryParse(normalized);
        // A Chinese name in an English question ("plan for 侯明杰", "log call with 台積電: pricing") does not make it Chinese.
        if (chinese is not null && NameIn(command) is { Length: > 0 } name
            && !NormalizedText.ContainsCjk(normalized.Cased.Replace(name, "", StringComparison.Ordinal)))
            chinese = null;
        if (command is not null)
            return command with { Language = chinese ?? Localization.Formats.English };

        var (suggestions, close) = CommandCatalog.Suggest(normalized.Lower, chinese);
        return new UnknownCommand(Truncate(normalized.Cased, 200), suggestions) { Language = chinese ?? (close ? Localization.Formats.English : null) };
    }

    private static string? NameIn(Command? command) => command switch
    {
        ReportCommand r => r.Request.Subject?.Name,
        UnusableValueCommand u => u.SubjectName,
        LogActivityCommand log => log.Target,
        SnoozeCommand snooze => snooze.Target,
        _ => null,
    };

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
