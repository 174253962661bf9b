namespace CrmBot.Slack.Tests;

public sealed class SlackOptionsFacts
{
    private static IReadOnlyList<string> Errors(SlackOptions options) =>
        new SlackOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_AcceptsAnUnconfiguredChannel()
    {
        Assert.Empty(Errors(new SlackOptions()));
    }

    [Fact]
    public void Validate_AsksForTheAppToken_WhenSocketModeHasNone()
    {
        var errors = Errors(new SlackOptions { BotToken = "xoxb-1", SocketMode = true });

        Assert.Contains(errors, e => e.Contains("Slack:AppToken") && e.Contains("connections:write"));
    }

    [Fact]
    public void Validate_RejectsABotTokenAsAppToken()
    {
        Assert.Contains(Errors(new SlackOptions { BotToken = "xoxb-1", SocketMode = true, AppToken = "xoxb-2" }),
            e => e.Contains("xapp-"));
    }

    [Fact]
    public void Validate_AsksForTheSigningSecret_InHttpMode()
    {
        Assert.Contains(Errors(new SlackOptions { BotToken = "xoxb-1" }), e => e.Contains("Slack:SigningSecret"));
        Assert.Empty(Errors(new SlackOptions { BotToken = "xoxb-1", SigningSecret = "s" }));
        Assert.Empty(Errors(new SlackOptions { BotToken = "xoxb-1", SocketMode = true, AppToken = "xapp-1" }));
    }
}
