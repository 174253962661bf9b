using CrmBot.Core.Commands;

namespace CrmBot.Core.Tests.Commands;

public sealed class PeriodParserFacts
{
    public static TheoryData<string, PeriodKind, int?, int?> Relative => new()
    {
        { "today", PeriodKind.Today, null, null }, { "今天", PeriodKind.Today, null, null },
        { "this week", PeriodKind.ThisWeek, null, null }, { "本週", PeriodKind.ThisWeek, null, null }, { "這週", PeriodKind.ThisWeek, null, null },
        { "last week", PeriodKind.LastWeek, null, null }, { "上週", PeriodKind.LastWeek, null, null },
        { "this month", PeriodKind.ThisMonth, null, null }, { "本月", PeriodKind.ThisMonth, null, null },
        { "last month", PeriodKind.LastMonth, null, null }, { "上個月", PeriodKind.LastMonth, null, null },
        { "this quarter", PeriodKind.ThisQuarter, null, null }, { "本季", PeriodKind.ThisQuarter, null, null },
        { "last quarter", PeriodKind.LastQuarter, null, null }, { "上季", PeriodKind.LastQuarter, null, null },
        { "this year", PeriodKind.ThisYear, null, null }, { "今年", PeriodKind.ThisYear, null, null },
        { "last year", PeriodKind.LastYear, null, null }, { "去年", PeriodKind.LastYear, null, null },
        { "ytd", PeriodKind.Ytd, null, null }, { "year to date", PeriodKind.Ytd, null, null }, { "今年至今", PeriodKind.Ytd, null, null },
        { "qtd", PeriodKind.Qtd, null, null }, { "mtd", PeriodKind.Mtd, null, null }, { "本月至今", PeriodKind.Mtd, null, null },
        { "all time", PeriodKind.AllTime, null, null }, { "所有時間", PeriodKind.AllTime, null, null }, { "歷來", PeriodKind.AllTime, null, null },
        { "last 30 days", PeriodKind.LastNDays, null, 30 }, { "past 7 days", PeriodKind.LastNDays, null, 7 },
        { "最近30天", PeriodKind.LastNDays, null, 30 }, { "過去 14 天", PeriodKind.LastNDays, null, 14 },
        { "last 3 weeks", PeriodKind.LastNDays, null, 21 },
        { "2017", PeriodKind.Year, 2017, null }, { "2017年", PeriodKind.Year, 2017, null }, { "FY2018", PeriodKind.Year, 2018, null },
        { "2017-06", PeriodKind.Month, 2017, 6 }, { "2017/6", PeriodKind.Month, 2017, 6 }, { "2017年6月", PeriodKind.Month, 2017, 6 },
        { "June 2017", PeriodKind.Month, 2017, 6 }, { "sept 2016", PeriodKind.Month, 2016, 9 },
        { "2017 Q3", PeriodKind.Quarter, 2017, 3 }, { "Q3 2017", PeriodKind.Quarter, 2017, 3 }, { "2017年第3季", PeriodKind.Quarter, 2017, 3 },
        { "2017年第四季", PeriodKind.Quarter, 2017, 4 }, { "q1-2018", PeriodKind.Quarter, 2018, 1 }, { "Ｑ２ ２０１７", PeriodKind.Quarter, 2017, 2 },
        // Before these were read, each was dropped and the report's default period answered (QA).
        { "yesterday", PeriodKind.Yesterday, null, null }, { "昨天", PeriodKind.Yesterday, null, null }, { "昨日", PeriodKind.Yesterday, null, null },
        { "next week", PeriodKind.NextWeek, null, null }, { "下週", PeriodKind.NextWeek, null, null }, { "下個星期", PeriodKind.NextWeek, null, null },
        { "next month", PeriodKind.NextMonth, null, null }, { "下個月", PeriodKind.NextMonth, null, null },
        { "next quarter", PeriodKind.NextQuarter, null, null }, { "下季", PeriodKind.NextQuarter, null, null }, { "下一季", PeriodKind.NextQuarter, null, null },
        { "next year", PeriodKind.NextYear, null, null }, { "明年", PeriodKind.NextYear, null, null },
        { "last 3 months", PeriodKind.LastNMonths, null, 3 }, { "past six months", PeriodKind.LastNMonths, null, 6 },
        { "最近3個月", PeriodKind.LastNMonths, null, 3 }, { "過去十二個月", PeriodKind.LastNMonths, null, 12 },
        { "最近三十天", PeriodKind.LastNDays, null, 30 }, { "近兩週", PeriodKind.LastNDays, null, 14 }, { "過去一百八十天", PeriodKind.LastNDays, null, 180 },
        { "last two weeks", PeriodKind.LastNDays, null, 14 },
        { "H1 2026", PeriodKind.Half, 2026, 1 }, { "2026 h2", PeriodKind.Half, 2026, 2 }, { "first half of 2026", PeriodKind.Half, 2026, 1 },
        { "second half", PeriodKind.Half, null, 2 }, { "FY2026 H2", PeriodKind.Half, 2026, 2 },
        { "2026年上半年", PeriodKind.Half, 2026, 1 }, { "下半年", PeriodKind.Half, null, 2 },
    };

    [Theory]
    [MemberData(nameof(Relative))]
    public void Parse_ReadsThePeriod_WhenTheWholeTextIsOnePeriod(string text, PeriodKind kind, int? year, int? number)
    {
        Assert.Equal(new PeriodSpec(kind, year, number), PeriodParser.Parse(text));
    }

    [Fact]
    public void Parse_ReadsSinceAndRanges_WithBothDatesAsTyped()
    {
        Assert.Equal(PeriodSpec.SinceDate(new DateOnly(2017, 1, 1)), PeriodParser.Parse("since 2017-01-01"));
        Assert.Equal(PeriodSpec.SinceDate(new DateOnly(2017, 1, 1)), PeriodParser.Parse("2017-01-01以來"));
        Assert.Equal(PeriodSpec.Between(new DateOnly(2017, 1, 1), new DateOnly(2017, 3, 31)), PeriodParser.Parse("2017-01-01 to 2017-03-31"));
        Assert.Equal(PeriodSpec.Between(new DateOnly(2017, 1, 1), new DateOnly(2017, 3, 31)), PeriodParser.Parse("2017年1月1日到2017年3月31日"));
    }

    [Theory]
    [InlineData("2017-13")]
    [InlineData("Q5 2017")]
    [InlineData("2017-02-30 to 2017-03-31")]
    [InlineData("2017-03-31 to 2017-01-01")]
    [InlineData("last 0 days")]
    [InlineData("last 99999 days")]
    [InlineData("H3 2026")]
    [InlineData("h1")]
    [InlineData("最近三五天")]
    [InlineData("最近十十天")]
    [InlineData("last 500 months")]
    [InlineData("last 0 months")]
    [InlineData("1066")]
    [InlineData("whenever")]
    public void Parse_ReturnsNull_WhenTheTextIsNoRealPeriod(string text)
    {
        Assert.Null(PeriodParser.Parse(text));
    }

    [Fact]
    public void Find_PrefersTheRange_WhenARangeContainsYears()
    {
        var match = PeriodParser.Find("lost deals 2017-01-01 to 2017-03-31 please");
        Assert.NotNull(match);
        Assert.Equal(PeriodKind.Range, match.Period.Kind);
        Assert.Equal("2017-01-01 to 2017-03-31", "lost deals 2017-01-01 to 2017-03-31 please".Substring(match.Index, match.Length));
    }
}
