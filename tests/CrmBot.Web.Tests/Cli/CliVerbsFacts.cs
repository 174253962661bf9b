using CrmBot.Web.Cli;

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

    [Theory]
    [InlineData("", null)]
    [InlineData("serve", null)]
    [InlineData("--urls=http://127.0.0.1:5000", null)]
    [InlineData("--help", "help")]
    [InlineData("-h", "help")]
    [InlineData("serve --help", "help")]
    [InlineData("--urls=http://127.0.0.1:5000 --help", "help")]
    [InlineData("generate --help", "generate --help")]
    [InlineData("ask my plan --as ann", "ask my plan --as ann")]
    public void ToolArguments_RunTheServer_OnlyWhenNoToolAndNoHelpIsAsked(string args, string? tool)
    {
        // `crmbot --help` used to start the server and write a demo database into the current folder.
        var routed = CliVerbs.ToolArguments(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(tool, routed is null ? null : string.Join(' ', routed));
    }
}
