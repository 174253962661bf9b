using CrmBot.Core.Data;
using CrmBot.Core.Time;

namespace CrmBot.Core.Reports;

/// <summary>
/// What the compiled queries of a report vary by, besides whose records they read (<see cref="OnePerson"/>,
/// <see cref="SeveralOwners"/>), for <see cref="CompiledDefinition{TArgs,TResult}"/>: the clock, the stale threshold, the
/// page, the period asked and the fiscal quarter. The derived values are those the shared definitions compute from these
/// (a definition that derives another one fails its first run, and the facts that run it).
/// </summary>
public abstract record ReportArgs(DateTime NowUtc, int ThresholdDays, int Offset, ResolvedPeriod Period, ResolvedPeriod Quarter, int FiscalYear, int FiscalQuarter)
{
    public DateTime NextWeekEnd => NowUtc.AddDays(7);
    public DateTime StaleCutoff => NowUtc.AddDays(-ThresholdDays);
    public DateTime PeriodStart => Period.StartUtc;
    public DateTime PeriodEnd => Period.EndUtc;
    public DateTime QuarterStart => Quarter.StartUtc;
    public DateTime QuarterEnd => Quarter.EndUtc;
    public DateOnly QuarterFirstDay => Quarter.FirstDay;
    public DateOnly QuarterEndDay => Quarter.EndDay;
}

/// <summary>One person's queries (a rep's own records): the owner is one scalar parameter.</summary>
public sealed record OnePerson(int OwnerId, DateTime NowUtc, int ThresholdDays, int Offset, ResolvedPeriod Period, ResolvedPeriod Quarter, int FiscalYear, int FiscalQuarter)
    : ReportArgs(NowUtc, ThresholdDays, Offset, Period, Quarter, FiscalYear, FiscalQuarter)
{
    public ReportScope Scope => ReportScope.ForUser(OwnerId, "");

    /// <summary>The arguments of one person's queries for a report's input (its clock, page, period and fiscal quarter).</summary>
    public static OnePerson Of(ReportInput input, int ownerId, int thresholdDays)
    {
        var (quarter, fiscalYear, fiscalQuarter) = Forecast.QuarterOf(input);
        return new OnePerson(ownerId, input.NowUtc, thresholdDays, input.Offset, input.Period, quarter, fiscalYear, fiscalQuarter);
    }

    /// <summary>A one-person query compiled from its shared definition.</summary>
    public static CompiledDefinition<OnePerson, T> Compiled<T>(Func<CrmDbContext, OnePerson, IQueryable<T>> definition) =>
        new(definition, SampleA, SampleB, SampleAcrossBoundaries);

    // Samples no real value, or value derived from another one, could be mistaken for: the gaps between the numbers differ
    // from sample to sample. The third has a first page, a zero threshold and a clock past its quarter, so that a definition
    // branching on one of those builds another shape, or keeps another constant, and is refused.
    internal static readonly OnePerson SampleA = new(1_000_003, new DateTime(2001, 2, 3, 4, 5, 6, 7, DateTimeKind.Utc), 17, 1_000_007,
        new ResolvedPeriod(new DateTime(1999, 1, 13, 2, 3, 4, DateTimeKind.Utc), new DateTime(2000, 7, 19, 5, 6, 7, DateTimeKind.Utc),
            new DateOnly(1999, 1, 13), new DateOnly(2000, 7, 19), "PA"),
        new ResolvedPeriod(new DateTime(2000, 11, 5, 1, 2, 3, DateTimeKind.Utc), new DateTime(2001, 3, 7, 4, 5, 6, DateTimeKind.Utc),
            new DateOnly(2000, 11, 9), new DateOnly(2001, 3, 11), "A"), 1_000_019, 1_000_031);
    internal static readonly OnePerson SampleB = new(2_000_029, new DateTime(2002, 4, 6, 8, 10, 12, 14, DateTimeKind.Utc), 23, 2_000_033,
        new ResolvedPeriod(new DateTime(1998, 3, 21, 6, 7, 8, DateTimeKind.Utc), new DateTime(2001, 8, 23, 9, 10, 11, DateTimeKind.Utc),
            new DateOnly(1998, 3, 21), new DateOnly(2001, 8, 23), "PB"),
        new ResolvedPeriod(new DateTime(2001, 12, 15, 5, 6, 7, DateTimeKind.Utc), new DateTime(2002, 5, 17, 8, 9, 10, DateTimeKind.Utc),
            new DateOnly(2001, 12, 19), new DateOnly(2002, 5, 21), "B"), 2_000_041, 2_000_057);
    internal static readonly OnePerson SampleAcrossBoundaries = new(3_000_043, new DateTime(2003, 9, 10, 11, 12, 13, 15, DateTimeKind.Utc), 0, 0,
        new ResolvedPeriod(new DateTime(1997, 5, 27, 10, 11, 12, DateTimeKind.Utc), new DateTime(2004, 2, 29, 13, 14, 15, DateTimeKind.Utc),
            new DateOnly(1997, 5, 27), new DateOnly(2004, 2, 29), "PC"),
        new ResolvedPeriod(new DateTime(2002, 12, 25, 6, 7, 8, DateTimeKind.Utc), new DateTime(2003, 6, 27, 9, 10, 11, DateTimeKind.Utc),
            new DateOnly(2002, 12, 29), new DateOnly(2003, 7, 1), "C"), 3_000_061, 3_000_071);
}

/// <summary>
/// The queries of a scope of two or more owners (a manager's team): the owners are one list parameter, so that one
/// compiled query serves every team. A single owner is <see cref="OnePerson"/> (its queries compare, not list). Its
/// equality compares the list by reference: nothing keys on these.
/// </summary>
public sealed record SeveralOwners(List<int> OwnerIds, DateTime NowUtc, int ThresholdDays, int Offset, ResolvedPeriod Period, ResolvedPeriod Quarter, int FiscalYear, int FiscalQuarter)
    : ReportArgs(NowUtc, ThresholdDays, Offset, Period, Quarter, FiscalYear, FiscalQuarter)
{
    public ReportScope Scope => new("", OwnerIds, []);

    /// <summary>The arguments for a report's input, or null when its scope is one owner or everyone.</summary>
    public static SeveralOwners? Of(ReportInput input, int thresholdDays) =>
        input.Scope.OwnerIds is { Count: >= 2 } owners ? From(OnePerson.Of(input, owners[0], thresholdDays), [.. owners]) : null;

    /// <summary>A several-owner query compiled from its shared definition.</summary>
    public static CompiledDefinition<SeveralOwners, T> Compiled<T>(Func<CrmDbContext, SeveralOwners, IQueryable<T>> definition) =>
        // One person's samples with lists of different lengths: how many owners there are is the parameter's, not the query's shape.
        new(definition, From(OnePerson.SampleA, [1_000_003, 1_000_009]), From(OnePerson.SampleB, [2_000_029, 2_000_039, 2_000_053]),
            From(OnePerson.SampleAcrossBoundaries, [3_000_043, 3_000_047, 3_000_059, 3_000_067]));

    /// <summary>One person's arguments for these owners instead.</summary>
    private static SeveralOwners From(OnePerson person, List<int> owners) =>
        new(owners, person.NowUtc, person.ThresholdDays, person.Offset, person.Period, person.Quarter, person.FiscalYear, person.FiscalQuarter);
}
