using CrmBot.Core.Commands;
using CrmBot.Core.Localization;
using CrmBot.Core.Time;

namespace CrmBot.Core.Tests.Time;

public sealed class PeriodResolverFacts
{
    private static PeriodResolver At(string zone, DateTimeOffset now, int fiscalStart = 1, Formats? f = null) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(zone), now, fiscalStart, f ?? Formats.En);

    private static DateTime Utc(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Resolve_StartsTheQuarterAtLocalMidnight_InTaipei()
    {
        // 2017-09-30 20:00 UTC is already Oct 1, 04:00 in Taipei (UTC+8): this quarter is Q4 there.
        var p = At("Asia/Taipei", new DateTimeOffset(2017, 9, 30, 20, 0, 0, TimeSpan.Zero)).Resolve(PeriodSpec.Of(PeriodKind.ThisQuarter), PeriodKind.Default);
        Assert.Equal(Utc(2017, 9, 30, 16), p.StartUtc);
        Assert.Equal(Utc(2017, 12, 31, 16), p.EndUtc);
        Assert.Equal("2017 Q4", p.Label);
    }

    [Fact]
    public void Resolve_EndsTheQuarterAtLocalMidnight_InLosAngeles()
    {
        // Q3 2017 in Los Angeles: PDT (UTC-7) at both ends.
        var p = At("America/Los_Angeles", new DateTimeOffset(2017, 8, 15, 12, 0, 0, TimeSpan.Zero)).Resolve(PeriodSpec.Of(PeriodKind.ThisQuarter), PeriodKind.Default);
        Assert.Equal(Utc(2017, 7, 1, 7), p.StartUtc);
        Assert.Equal(Utc(2017, 10, 1, 7), p.EndUtc);
        Assert.Equal(new DateOnly(2017, 7, 1), p.FirstDay);
        Assert.Equal(new DateOnly(2017, 10, 1), p.EndDay);
    }

    [Fact]
    public void Resolve_FollowsTheFiscalYearStart_WhenItIsNotJanuary()
    {
        // Fiscal year starting in April: May 2017 is in FY2017 Q1 (Apr–Jun); February 2018 is FY2017 Q4.
        var may = At("UTC", new DateTimeOffset(2017, 5, 10, 0, 0, 0, TimeSpan.Zero), fiscalStart: 4);
        var q = may.Resolve(PeriodSpec.Of(PeriodKind.ThisQuarter), PeriodKind.Default);
        Assert.Equal((Utc(2017, 4, 1), Utc(2017, 7, 1)), (q.StartUtc, q.EndUtc));
        var february = At("UTC", new DateTimeOffset(2018, 2, 10, 0, 0, 0, TimeSpan.Zero), fiscalStart: 4);
        Assert.Equal((2017, 4), february.FiscalQuarterOf(new DateOnly(2018, 2, 10)));
        var year = february.Resolve(PeriodSpec.Of(PeriodKind.ThisYear), PeriodKind.Default);
        Assert.Equal((Utc(2017, 4, 1), Utc(2018, 4, 1), "FY2017"), (year.StartUtc, year.EndUtc, year.Label));
        var ytd = february.Resolve(PeriodSpec.Of(PeriodKind.Ytd), PeriodKind.Default);
        Assert.Equal((Utc(2017, 4, 1), Utc(2018, 2, 11)), (ytd.StartUtc, ytd.EndUtc));
    }

    [Fact]
    public void Resolve_ReadsYesterdayTheNextPeriodsLastMonthsAndHalves_InTheAskersZoneAndFiscalYear()
    {
        // 2017-08-15 05:00 UTC is still Aug 14 in Los Angeles; the fiscal year starts in April (Q2 = Jul–Sep).
        var r = At("America/Los_Angeles", new DateTimeOffset(2017, 8, 15, 5, 0, 0, TimeSpan.Zero), fiscalStart: 4);
        (DateOnly, DateOnly, string) Read(PeriodSpec spec) => r.Resolve(spec, PeriodKind.Default) is var p ? (p.FirstDay, p.EndDay, p.Label) : default;

        Assert.Equal((new DateOnly(2017, 8, 13), new DateOnly(2017, 8, 14), "Aug 13, 2017"), Read(PeriodSpec.Of(PeriodKind.Yesterday)));
        Assert.Equal((new DateOnly(2017, 8, 21), new DateOnly(2017, 8, 28), "Aug 21, 2017 – Aug 27, 2017"), Read(PeriodSpec.Of(PeriodKind.NextWeek)));
        Assert.Equal((new DateOnly(2017, 9, 1), new DateOnly(2017, 10, 1), "Sep 2017"), Read(PeriodSpec.Of(PeriodKind.NextMonth)));
        Assert.Equal((new DateOnly(2017, 10, 1), new DateOnly(2018, 1, 1), "2017 Q3"), Read(PeriodSpec.Of(PeriodKind.NextQuarter)));
        Assert.Equal((new DateOnly(2018, 4, 1), new DateOnly(2019, 4, 1), "FY2018"), Read(PeriodSpec.Of(PeriodKind.NextYear)));
        Assert.Equal((new DateOnly(2017, 5, 15), new DateOnly(2017, 8, 15), "last 3 months"), Read(PeriodSpec.LastMonths(3)));
        Assert.Equal((new DateOnly(2017, 4, 1), new DateOnly(2017, 10, 1), "FY2017 H1"), Read(PeriodSpec.ForHalf(null, 1)));
        Assert.Equal((new DateOnly(2016, 10, 1), new DateOnly(2017, 4, 1), "FY2016 H2"), Read(PeriodSpec.ForHalf(2016, 2)));
        Assert.Equal((new DateOnly(2016, 4, 1), new DateOnly(2016, 10, 1), "FY2016 H1"), Read(PeriodSpec.ForHalf(null, 1) with { RelativeYears = -1 }));
        Assert.Equal((new DateOnly(2017, 7, 15), new DateOnly(2017, 8, 15), "last 1 month"), Read(PeriodSpec.LastMonths(1)));
        var zh = At("Asia/Taipei", new DateTimeOffset(2017, 8, 15, 0, 0, 0, TimeSpan.Zero), f: Formats.ZhTw);
        Assert.Equal("2017年上半年", zh.Resolve(PeriodSpec.ForHalf(2017, 1), PeriodKind.Default).Label);
        Assert.Equal("最近6個月", zh.Resolve(PeriodSpec.LastMonths(6), PeriodKind.Default).Label);
    }

    [Fact]
    public void Resolve_LabelsPeriodsInTraditionalChinese()
    {
        var r = At("Asia/Taipei", new DateTimeOffset(2017, 8, 15, 0, 0, 0, TimeSpan.Zero), f: Formats.ZhTw);
        Assert.Equal("2017年第3季", r.Resolve(PeriodSpec.ForQuarter(2017, 3), PeriodKind.Default).Label);
        Assert.Equal("2017年6月", r.Resolve(PeriodSpec.ForMonth(2017, 6), PeriodKind.Default).Label);
        Assert.Equal("2016年", r.Resolve(PeriodSpec.Of(PeriodKind.LastYear), PeriodKind.Default).Label);
        Assert.Equal("最近30天", r.Resolve(PeriodSpec.LastDays(30), PeriodKind.Default).Label);
    }

    [Fact]
    public void Resolve_IncludesBothTypedDates_ForARange()
    {
        var p = At("UTC", new DateTimeOffset(2017, 8, 15, 0, 0, 0, TimeSpan.Zero))
            .Resolve(PeriodSpec.Between(new DateOnly(2017, 1, 1), new DateOnly(2017, 3, 31)), PeriodKind.Default);
        Assert.Equal((Utc(2017, 1, 1), Utc(2017, 4, 1)), (p.StartUtc, p.EndUtc));
        Assert.Equal("Jan 1, 2017 – Mar 31, 2017", p.Label);
    }

    [Fact]
    public void Resolve_CountsTodayAsTheLastOfTheLastNDays()
    {
        var p = At("UTC", new DateTimeOffset(2017, 9, 30, 15, 0, 0, TimeSpan.Zero)).Resolve(PeriodSpec.LastDays(7), PeriodKind.Default);
        Assert.Equal((Utc(2017, 9, 24), Utc(2017, 10, 1)), (p.StartUtc, p.EndUtc));
    }

    [Theory]
    [InlineData(1, "last 1 day")]
    [InlineData(7, "last 7 days")]
    public void Resolve_NamesTheLastNDays_InTheSingularForOne(int days, string label)
    {
        var p = At("UTC", new DateTimeOffset(2017, 9, 30, 15, 0, 0, TimeSpan.Zero)).Resolve(PeriodSpec.LastDays(days), PeriodKind.Default);
        Assert.Equal(label, p.Label);
    }

    [Fact]
    public void Resolve_StartsWeeksOnMonday()
    {
        // 2017-10-01 is a Sunday: this week is Mon Sep 25 – Sun Oct 1, last week the one before.
        var r = At("UTC", new DateTimeOffset(2017, 10, 1, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(Utc(2017, 9, 25), r.Resolve(PeriodSpec.Of(PeriodKind.ThisWeek), PeriodKind.Default).StartUtc);
        Assert.Equal((Utc(2017, 9, 18), Utc(2017, 9, 25)),
            (r.Resolve(PeriodSpec.Of(PeriodKind.LastWeek), PeriodKind.Default).StartUtc, r.Resolve(PeriodSpec.Of(PeriodKind.LastWeek), PeriodKind.Default).EndUtc));
    }

    [Fact]
    public void Resolve_UsesTheReportDefault_WhenTheRequestSaysNothing()
    {
        var r = At("UTC", new DateTimeOffset(2017, 5, 10, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(Utc(2017, 5, 1), r.Resolve(PeriodSpec.Default, PeriodKind.ThisMonth).StartUtc);
        Assert.Equal(Utc(2017, 4, 1), r.Resolve(PeriodSpec.Default, PeriodKind.ThisQuarter).StartUtc);
    }

    [Fact]
    public void Resolve_RunsAllTimeUpToTheEndOfToday()
    {
        var p = At("UTC", new DateTimeOffset(2017, 12, 31, 12, 0, 0, TimeSpan.Zero)).Resolve(PeriodSpec.Of(PeriodKind.AllTime), PeriodKind.Default);
        Assert.True(p.IsAllTime);
        Assert.True(p.StartUtc < Utc(2000, 1, 1));
        Assert.Equal(Utc(2018, 1, 1), p.EndUtc);
    }

    [Fact]
    public void Resolve_GoesBackAcrossTheYear_ForLastQuarterInJanuary()
    {
        var p = At("UTC", new DateTimeOffset(2018, 1, 5, 0, 0, 0, TimeSpan.Zero)).Resolve(PeriodSpec.Of(PeriodKind.LastQuarter), PeriodKind.Default);
        Assert.Equal((Utc(2017, 10, 1), Utc(2018, 1, 1), "2017 Q4"), (p.StartUtc, p.EndUtc, p.Label));
    }

    [Fact]
    public void ToUtc_MovesPastAMidnightThatDaylightSavingSkips()
    {
        // São Paulo started DST at 00:00 on 2017-10-15 (clocks jumped to 01:00, UTC-2): that day began at 03:00 UTC.
        var r = At("America/Sao_Paulo", new DateTimeOffset(2017, 10, 20, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(Utc(2017, 10, 15, 3), r.ToUtc(new DateOnly(2017, 10, 15)));
    }

    [Fact]
    public void FindZone_FallsBackToUtc_ForAnUnknownZone()
    {
        Assert.Equal(TimeZoneInfo.Utc, PeriodResolver.FindZone("Mars/Olympus"));
        Assert.Equal(TimeZoneInfo.Utc, PeriodResolver.FindZone(null));
    }
}
