using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Memory;

namespace CrmBot.Core.Tests.Reports;

/// <summary>
/// EF compiles a query once and reuses it while only parameter values change. A value built into the LINQ tree as a
/// constant (a clock, an id), rather than captured (which EF makes a parameter), would make every request compile its
/// queries again: milliseconds each, more than most of their SQL.
/// </summary>
public sealed class QueryCacheFacts : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly CrmBuilder _crm;

    public QueryCacheFacts() => _crm = new CrmBuilder(_db);

    public void Dispose()
    {
        _crm.Dispose();
        _db.Dispose();
    }

    public static TheoryData<ReportKind> Kinds() => new(ReportCatalog.All.Keys);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AReportAskedAgain_AtAnotherTime_CompilesNoQuery(ReportKind kind)
    {
        var team = _crm.Team("North");
        var manager = _crm.Manager("Mia", team);
        var rep = _crm.Rep("Ann", team, quarterlyQuota: 1000);
        var admin = _crm.Admin("Ada");
        _crm.Deal(rep, OpportunityStage.Proposal, 100);
        var compilations = new List<string>();
        var options = new DbContextOptionsBuilder<SqliteCrmDbContext>();
        DatabaseSetup.ConfigureSqlite(options, _db.ConnectionString);
        options.LogTo(m => { lock (compilations) compilations.Add(m); }, [CoreEventId.QueryCompilationStarting])
            .UseMemoryCache(new MemoryCache(new MemoryCacheOptions()));   // a query cache of its own: other tests fill the shared one

        async Task AskAsync(User asker, DateTime nowUtc)
        {
            await using var db = new SqliteCrmDbContext(options.Options);
            await _crm.Runner(new DateTimeOffset(nowUtc), db).RunAsync(new ReportRequest(kind), _crm.Asker(asker), CancellationToken.None);
        }

        foreach (var asker in new[] { admin, manager, rep })
        {
            await AskAsync(asker, CrmBuilder.Utc(2017, 8, 15, 12));
            if (asker == admin)
                Assert.NotEmpty(compilations);   // the first ask compiles: the count is live
            compilations.Clear();

            await AskAsync(asker, CrmBuilder.Utc(2017, 8, 16, 13));

            Assert.True(compilations.Count == 0, $"{kind} asked again by {asker.Name} compiled:\n" + string.Join("\n---\n", compilations));
        }
    }
}
