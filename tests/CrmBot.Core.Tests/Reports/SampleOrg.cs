using CrmBot.Core.Data;
using CrmBot.Testing;

namespace CrmBot.Core.Tests.Reports;

/// <summary>
/// Two teams and an admin, each rep with one of every kind of record, for tests about who sees what.
/// North: manager Mia, reps Ann and Bob. South: manager Sam, rep Cid. Admin: Ada (no team).
/// </summary>
public sealed class SampleOrg : IDisposable
{
    public static readonly DateTimeOffset Now = new(2017, 9, 30, 12, 0, 0, TimeSpan.Zero);

    public SampleOrg()
    {
        Crm = new CrmBuilder(Db);
        North = Crm.Team("North");
        South = Crm.Team("South");
        Mia = Crm.Manager("Mia Manager", North);
        Sam = Crm.Manager("Sam Manager", South);
        Ann = Crm.Rep("Ann Able", North, quarterlyQuota: 10_000);
        Bob = Crm.Rep("Bob Baker", North, quarterlyQuota: 10_000);
        Cid = Crm.Rep("Cid Chen", South, quarterlyQuota: 10_000);
        Ada = Crm.Admin("Ada Admin");
        foreach (var rep in new[] { Ann, Bob, Cid })
        {
            var account = Crm.Account($"{rep.Name} Corp", rep);
            Crm.Won(rep, 1000, CrmBuilder.Utc(2017, 8, 1), account: account);
            Crm.Lost(rep, 500, CrmBuilder.Utc(2017, 8, 2), reason: "Price");
            Crm.Deal(rep, OpportunityStage.Proposal, 2000, account: account, expectedClose: new DateOnly(2017, 9, 15), forecast: ForecastCategory.Commit);
            Crm.Activity(rep, ActivityType.Call, completed: CrmBuilder.Utc(2017, 9, 27));
            Crm.Activity(rep, ActivityType.Meeting, due: CrmBuilder.Utc(2017, 10, 2));
            Crm.Lead(rep, "Web", "Not Contacted", CrmBuilder.Utc(2017, 9, 10));
        }
    }

    public TestDatabase Db { get; } = new();
    public CrmBuilder Crm { get; }
    public Team North { get; }
    public Team South { get; }
    public User Mia { get; }
    public User Sam { get; }
    public User Ann { get; }
    public User Bob { get; }
    public User Cid { get; }
    public User Ada { get; }

    public void Dispose()
    {
        Crm.Dispose();
        Db.Dispose();
    }
}
