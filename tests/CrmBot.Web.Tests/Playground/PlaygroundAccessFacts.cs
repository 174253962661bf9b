using CrmBot.Core.Data;
using CrmBot.Web.Playground;

namespace CrmBot.Web.Tests.Playground;

/// <summary>Issue 10: the playground (chat as anyone, no sign-in) is open only on the embedded default unless configured.</summary>
public sealed class PlaygroundAccessFacts
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, null, null, true)]            // the embedded default
    [InlineData(DatabaseProvider.SqlServer, null, null, false)]        // production database
    [InlineData(DatabaseProvider.Sqlite, "an-app-id", null, false)]    // a real Teams bot
    [InlineData(DatabaseProvider.SqlServer, "an-app-id", true, true)]  // opened on purpose
    [InlineData(DatabaseProvider.Sqlite, null, false, false)]          // closed on purpose
    public void IsEnabled_OnlyOnTheEmbeddedDefault_UnlessConfigured(DatabaseProvider provider, string? teamsAppId, bool? configured, bool open)
    {
        var enabled = PlaygroundEndpoints.IsEnabled(new PlaygroundOptions { Enabled = configured }, new DatabaseOptions { Provider = provider }, teamsAppId);

        Assert.Equal(open, enabled);
    }
}
