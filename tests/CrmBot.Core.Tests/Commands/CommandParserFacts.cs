using CrmBot.Core.Commands;

namespace CrmBot.Core.Tests.Commands;

public sealed class CommandParserFacts
{
    [Fact]
    public void Parse_ProducesTheExpectedCommand_ForEveryPhrasingInTheTable()
    {
        Assert.True(CommandPhrasings.All.Count >= 300, $"the table holds {CommandPhrasings.All.Count} phrasings");
        var wrong = CommandPhrasings.All
            .Select(row => (row.Text, row.Expected, Actual: CommandParser.Parse(row.Text)))
            .Where(x => !Equals(x.Expected, x.Actual))
            .Select(x => $"'{x.Text}'\n   expected {Describe(x.Expected)}\n   actual   {Describe(x.Actual)}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {CommandPhrasings.All.Count} phrasings parsed wrongly:\n" + string.Join("\n", wrong));
    }

    // The runner refuses a breakdown its report does not show: none the table reads may be one.
    [Fact]
    public void EveryBreakdownInTheTable_IsOneItsReportShows()
    {
        var asked = CommandPhrasings.All.Select(row => row.Expected).OfType<ReportCommand>()
            .Where(c => c.Request.Breakdown != Breakdown.None).ToList();
        Assert.NotEmpty(asked);
        Assert.All(asked, c => Assert.Contains(c.Request.Breakdown, CrmBot.Core.Reports.ReportCatalog.All[c.Request.Kind].Breakdowns));
    }

    [Fact]
    public void Parse_GivesTheSameCommand_WhenEveryPhrasingIsTypedAgainWithDifferentCaseAndSpacing()
    {
        // Names keep the case they were typed in, so rows naming someone are left out here.
        foreach (var (text, expected) in CommandPhrasings.All.Where(r => r.Expected is ReportCommand { Request.Subject.Name: null }))
            Assert.Equal(expected, CommandParser.Parse("  " + text.ToUpperInvariant().Replace(" ", "   ") + " "));
    }

    [Fact]
    public void Parse_SuggestsTheClosestCommands_WhenTheWordsAreUnknown()
    {
        var unknown = Assert.IsType<UnknownCommand>(CommandParser.Parse("stail"));
        Assert.Equal(3, unknown.Suggestions.Count);
        Assert.Equal("my stale deals", unknown.Suggestions[0]);
        Assert.Equal("en", unknown.Language);
    }

    [Fact]
    public void Parse_SuggestsInChinese_WhenTheUnknownMessageIsChinese()
    {
        var unknown = Assert.IsType<UnknownCommand>(CommandParser.Parse("你好嗎"));
        Assert.Equal("zh-TW", unknown.Language);
        Assert.All(unknown.Suggestions, s => Assert.True(NormalizedText.ContainsCjk(s), s));
    }

    [Fact]
    public void Parse_LeavesTheLanguageOpen_WhenNoWordTellsIt()
    {
        var unknown = Assert.IsType<UnknownCommand>(CommandParser.Parse("12345 !!!"));
        Assert.Null(unknown.Language);
        Assert.Equal(3, unknown.Suggestions.Count);
    }

    [Fact]
    public void Parse_StripsTheSlackBotMention_WhenTheBotUserIdIsKnown()
    {
        var command = CommandParser.Parse("<@U0BOT> stale deals for <@U0REP>", new ParseContext(BotUserId: "U0BOT"));
        var report = Assert.IsType<ReportCommand>(command);
        Assert.Equal(SubjectSpec.Mention("U0REP"), report.Request.Subject);
    }

    [Fact]
    public void Parse_KeepsTheTypedCaseOfNotes_WhenLoggingAnActivity()
    {
        var log = Assert.IsType<LogActivityCommand>(CommandParser.Parse("LOG CALL WITH ACME: Spoke To CFO"));
        Assert.Equal("ACME", log.Target);
        Assert.Equal("Spoke To CFO", log.Notes);
    }

    private static string Describe(Command c) => c switch
    {
        ReportCommand r => $"{r.Request} lang={r.Language}",
        _ => $"{c}",
    };
}
