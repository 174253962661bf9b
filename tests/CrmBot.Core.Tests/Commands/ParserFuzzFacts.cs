using System.Text;
using CrmBot.Core.Commands;

namespace CrmBot.Core.Tests.Commands;

/// <summary>The parser answers every string: random and adversarial input never throws and always yields a command.</summary>
public sealed class ParserFuzzFacts
{
    private static readonly string[] Fragments =
    [
        "stale", "deals", "leaderboard", "本季", "失去的機會", "log call with", ":", "snooze", "7 days", "because", "subscribe", "weekly",
        "monday", "9:00", "25:99", "for", "team", "<at>", "</at>", "<@U123>", "<@", ">", "'; DROP TABLE Users; --", "<script>alert(1)</script>",
        "{{", "${x}", "\u202E", "\u200F", "שלום", "مرحبا", "😀", "👩‍👩‍👧", "\uD800", "\uDFFF", "\0", "\u001B[31m", "2017", "Q3", "年", "第", "季",
        "-", "to", "since", "2017-02-30", "9999-99-99", "over", "999999999999", "天", "以上", "&amp;", "&lt;at&gt;", "\t", "\n", "ＭＹ", "ﬁ", "ǅ",
        "help", "說明", "settings", "nudge time", "@CrmBot", "/crm", "vs last year", "yoy", "by", "partner", "依", "團隊", "的",
    ];

    [Fact]
    public void Parse_AnswersEveryString_WhenGiven100000RandomAndAdversarialStrings()
    {
        // Each string comes from its own seeded generator, so the run is reproducible and can use both cores.
        var answered = 0;
        Parallel.For(0, 100_000, i =>
        {
            var text = Generate(new Random(20171231 + i), i);
            var command = CommandParser.Parse(text);
            Assert.NotNull(command);
            if (command is UnknownCommand unknown)
                Assert.NotEmpty(unknown.Suggestions);
            Interlocked.Increment(ref answered);
        });
        Assert.Equal(100_000, answered);
    }

    [Fact]
    public void Parse_AnswersHugeInput_WhenTheMessageIsAt40KilobytesOrMore()
    {
        var huge = string.Concat(Enumerable.Repeat("stale deals for 王小明 2017-01-01 to ", 2_000));
        Assert.NotNull(CommandParser.Parse(huge));
        Assert.NotNull(CommandParser.Parse(new string('a', 100_000)));
        Assert.NotNull(CommandParser.Parse("log call with " + new string('x', 50_000) + ": " + new string('y', 50_000)));
        Assert.NotNull(CommandParser.Parse(string.Concat(Enumerable.Repeat("<at>", 20_000))));
        Assert.NotNull(CommandParser.Parse(null));
    }

    private static string Generate(Random random, int i)
    {
        switch (i % 5)
        {
            case 0: // random UTF-16 code units, surrogates and controls included
                {
                    var chars = new char[random.Next(0, 60)];
                    for (var k = 0; k < chars.Length; k++)
                        chars[k] = (char)random.Next(0, 0x10000);
                    return new string(chars);
                }
            case 1: // random printable ASCII
                {
                    var chars = new char[random.Next(0, 80)];
                    for (var k = 0; k < chars.Length; k++)
                        chars[k] = (char)random.Next(0x20, 0x7F);
                    return new string(chars);
                }
            case 2 or 3: // command-like fragments glued in random order
                {
                    var sb = new StringBuilder();
                    var n = random.Next(1, 10);
                    for (var k = 0; k < n; k++)
                        sb.Append(Fragments[random.Next(Fragments.Length)]).Append(random.Next(3) == 0 ? "" : " ");
                    return sb.ToString();
                }
            default: // occasionally a 40 KB message, otherwise long repeated fragments
                return i % 1000 == 4
                    ? string.Concat(Enumerable.Repeat(Fragments[random.Next(Fragments.Length)] + " ", 40_000 / 8)).PadRight(40_000, 'x')
                    : string.Concat(Enumerable.Repeat(Fragments[random.Next(Fragments.Length)], random.Next(1, 40)));
        }
    }
}
