using Spectre.Console;

namespace CrmBot.Web.Cli;

/// <summary>
/// The console verbs write to: the terminal, or the one a caller (a test running a verb in-process) gave
/// <see cref="CliVerbs.RunAsync(string[], IAnsiConsole)"/>. Async-local, so parallel callers do not mix output.
/// </summary>
public static class CliConsole
{
    private static readonly AsyncLocal<IAnsiConsole?> Override = new();

    public static IAnsiConsole Current => Override.Value ?? AnsiConsole.Console;

    internal static IDisposable Use(IAnsiConsole console)
    {
        var previous = Override.Value;
        Override.Value = console;
        return new Restore(() => Override.Value = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>Writes text exactly as given (no markup, no wrapping): for output meant to be piped, like SQL.</summary>
    public static void WriteRaw(string text) => Current.Profile.Out.Writer.Write(text);

    public static void Error(string message) => Current.MarkupLineInterpolated($"[red]error:[/] {message}");
}
