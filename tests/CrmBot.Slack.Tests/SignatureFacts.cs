using System.Text;
using CrmBot.Slack.Http;

namespace CrmBot.Slack.Tests;

public sealed class SignatureFacts
{
    // The worked example of https://docs.slack.dev/authentication/verifying-requests-from-slack.
    private const string DocSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string DocTimestamp = "1531420618";
    private const string DocBody =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar" +
        "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
        "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string DocSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly DateTimeOffset DocTime = DateTimeOffset.FromUnixTimeSeconds(1531420618);
    private static byte[] Body => Encoding.UTF8.GetBytes(DocBody);

    [Fact]
    public void Compute_MatchesSlacksDocumentedVector()
    {
        Assert.Equal(DocSignature, SlackSignature.Compute(DocSecret, DocTimestamp, Body));
    }

    [Fact]
    public void IsValid_AcceptsTheDocumentedRequest_WhenWithinFiveMinutes()
    {
        Assert.True(SlackSignature.IsValid(DocSecret, DocTimestamp, DocSignature, Body, DocTime.AddMinutes(4)));
        Assert.True(SlackSignature.IsValid(DocSecret, DocTimestamp, DocSignature, Body, DocTime.AddMinutes(-4)));
    }

    [Fact]
    public void IsValid_Rejects_WhenTheTimestampIsSixMinutesOld()
    {
        Assert.False(SlackSignature.IsValid(DocSecret, DocTimestamp, DocSignature, Body, DocTime.AddMinutes(6)));
    }

    [Fact]
    public void IsValid_Rejects_WhenSignedWithAnotherSecret()
    {
        Assert.False(SlackSignature.IsValid("another-secret", DocTimestamp, DocSignature, Body, DocTime));
    }

    [Fact]
    public void IsValid_Rejects_WhenTheBodyChangedAfterSigning()
    {
        var altered = Encoding.UTF8.GetBytes(DocBody.Replace("user_id=U2CERLKJA", "user_id=U2CERLKJB"));
        Assert.False(SlackSignature.IsValid(DocSecret, DocTimestamp, DocSignature, altered, DocTime));
    }

    [Theory]
    [InlineData(null, DocSignature)]
    [InlineData(DocTimestamp, null)]
    [InlineData("", "")]
    [InlineData("not-a-number", DocSignature)]
    [InlineData(DocTimestamp, "v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B503")]
    [InlineData(DocTimestamp, "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    public void IsValid_Rejects_WhenHeadersAreMissingOrMalformed(string? timestamp, string? signature)
    {
        Assert.False(SlackSignature.IsValid(DocSecret, timestamp, signature, Body, DocTime));
    }
}
