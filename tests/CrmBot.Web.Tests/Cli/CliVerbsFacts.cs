namespace CrmBot.Web.Tests.Cli;

public sealed class CliVerbsFacts
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_ListsTheCommands(string help)
    {
        var (code, output) = await CliRun.RunAsync(help);

        Assert.Equal(0, code);
        Assert.Contains("Usage: crmbot [serve] | crmbot <command>", output);
        Assert.Contains("generate", output);
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("ask")]
    [InlineData("import")]
    public async Task AVerbsHelp_PrintsItsUsage_AndDoesNothingElse(string verb)
    {
        // Before, `generate --help` was "error: usage" (exit 2) and `ask --help` took --help for an option.
        var (code, output) = await CliRun.RunAsync(verb, "--help");

        Assert.Equal(0, code);
        Assert.StartsWith($"Usage: crmbot {verb} ", output);
    }
}
