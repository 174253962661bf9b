using CrmBot.Core.Data;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Data;

public sealed class LastTouchFacts : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public LastTouchFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    [Fact]
    public void SaveChanges_SetsLastTouchToLastModified_WhenADealIsAdded()
    {
        var rep = _crm.Rep("Ann");
        var modified = new DateTime(2017, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        var deal = _crm.Deal(rep, modified: modified);

        using var db = _db.NewContext();
        Assert.Equal(modified, db.Opportunities.Where(o => o.Id == deal.Id).Select(o => o.LastTouchAt).Single());
    }

    [Fact]
    public async Task Debug_Recompute()
    {
        var rep = _crm.Rep("Ann");
        var modified = new DateTime(2017, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        var deal = _crm.Deal(rep, modified: modified);
        using var db = _db.NewContext();
        var changes = LastTouch.Collect(db.ChangeTracker);
        var n = await db.Opportunities.ExecuteUpdateAsync(s => s.SetProperty(o => o.LastTouchAt, o => o.LastModifiedAt));
        Assert.Equal(modified, db.Opportunities.Where(o => o.Id == deal.Id).Select(o => o.LastTouchAt).Single());
        await LastTouch.RecomputeAllAsync(db, default);
        Assert.Equal(modified, db.Opportunities.Where(o => o.Id == deal.Id).Select(o => o.LastTouchAt).Single());
    }

    [Fact]
    public void Debug_Save()
    {
        var rep = _crm.Rep("Ann");
        var modified = new DateTime(2017, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        using var db = new CrmDbContext(new DbContextOptionsBuilder<CrmDbContext>().UseSqlite(_db.ConnectionString).EnableSensitiveDataLogging()
            .LogTo(m => System.IO.File.AppendAllText("/tmp/perf2-ef.log", m + "\n")).Options);
        var deal = new Opportunity { Name = "x", OwnerId = rep.Id, LastModifiedAt = modified, CreatedAt = modified };
        db.Opportunities.Add(deal);
        System.IO.File.AppendAllText("/tmp/perf2-ef.log", "EMPTY? " + LastTouch.Collect(db.ChangeTracker).IsEmpty + "\n");
        db.SaveChanges();
        Assert.Equal(modified, db.Opportunities.Where(o => o.Id == deal.Id).Select(o => o.LastTouchAt).Single());
    }
}
