namespace CrmBot.Core.Demo;

/// <summary>How much demo data to generate: a number of reps and, per rep, accounts, deals, leads and activities.</summary>
public sealed record DemoScale(int Reps, int AccountsPerRep, int OpportunitiesPerRep, int LeadsPerRep, int ActivitiesPerRep)
{
    /// <summary>The embedded default: 20 reps, 500 accounts, 2,000 deals, 2,000 leads, 20,000 activities.</summary>
    public static readonly DemoScale Demo = new(20, 25, 100, 100, 1_000);

    /// <summary>The benchmark size of design.md section 10: 1,000 reps, 50,000 accounts, 200,000 deals, 1,000,000 activities.</summary>
    public static readonly DemoScale Large = new(1_000, 50, 200, 100, 1_000);

    /// <summary>"demo", "large" or a number of reps (each with the demo's volumes); null when not understood.</summary>
    public static DemoScale? Parse(string text) => text.ToLowerInvariant() switch
    {
        "demo" => Demo,
        "large" => Large,
        _ when int.TryParse(text, out var reps) && reps is >= 1 and <= 100_000 => Demo with { Reps = reps },
        _ => null,
    };
}
