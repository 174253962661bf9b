using CrmBot.Core.Chat;

namespace CrmBot.Core.Tests.Chat;

public sealed class ActionFormsFacts
{
    [Theory]
    [InlineData("en", "What you typed")]
    [InlineData("zh-TW", "您輸入的內容")]
    public void Typed_QuotesTheNotesAndTheReason_InTheReplyLanguage(string language, string quoting)
    {
        var action = new CardAction(CardVerbs.Snooze, new Dictionary<string, string>
        {
            ["opportunityId"] = "7", [ActionForms.Until] = "2027-03-01", [ActionForms.Reason] = "  champion on holiday  ",
        });

        var typed = ActionForms.Typed(action, language);

        Assert.NotNull(typed);
        Assert.StartsWith(quoting, typed);
        Assert.EndsWith("\nchampion on holiday", typed);
        Assert.DoesNotContain("2027-03-01", typed);   // a picked date is not typed text
    }

    [Fact]
    public void Typed_IsNull_WhenNothingWasTyped()
    {
        var action = new CardAction(CardVerbs.LogActivity, new Dictionary<string, string> { ["type"] = "call", [ActionForms.Notes] = "   " });

        Assert.Null(ActionForms.Typed(action, "en"));
    }
}
