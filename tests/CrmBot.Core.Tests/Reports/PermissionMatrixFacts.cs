using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;

namespace CrmBot.Core.Tests.Reports;

/// <summary>
/// design.md section 6 as a table: for each role, report and subject, the asker is answered with exactly the people
/// they may see, or refused without data. The expected people come from the rules, not from running the code.
/// </summary>
public sealed class PermissionMatrixFacts : IClassFixture<PermissionMatrixFacts.Org>
{
    public sealed class Org : IDisposable
    {
        public SampleOrg Sample { get; } = new();
        public void Dispose() => Sample.Dispose();
    }

    private readonly SampleOrg _org;

    public PermissionMatrixFacts(Org org) => _org = org.Sample;

    /// <summary>An action plan asked for a team or everyone: the answer asks for one person.</summary>
    private const string OnePerson = "one person";

    public static TheoryData<string, ReportKind, string, string> Matrix()
    {
        // asker, report, subject ("" = default, me, team, team:North, team:South, user:Bob, user:Cid, everyone),
        // expected: "refused" or the names covered, in order.
        var data = new TheoryData<string, ReportKind, string, string>();
        foreach (var kind in ReportCatalog.All.Keys)
        {
            var leaderboard = kind == ReportKind.Leaderboard;
            var plan = kind == ReportKind.ActionPlan;
            // A rep: own records; the leaderboard of their own team only.
            data.Add("Ann", kind, "", leaderboard ? "Team North" : "Ann Able");
            data.Add("Ann", kind, "me", "Ann Able");
            data.Add("Ann", kind, "team", leaderboard ? "Team North" : plan ? OnePerson : "refused");
            data.Add("Ann", kind, "team:North", leaderboard ? "Team North" : plan ? OnePerson : "refused");
            data.Add("Ann", kind, "team:South", plan ? OnePerson : "refused");
            data.Add("Ann", kind, "user:Bob", "refused");
            data.Add("Ann", kind, "user:Cid", "refused");
            data.Add("Ann", kind, "everyone", leaderboard ? "Team North" : plan ? OnePerson : "Ann Able");
            // A manager: their team, its members, themself; nothing of the other team. A plan is one person's: for a team the answer asks for a person.
            data.Add("Mia", kind, "", plan ? "Mia Manager" : "Team North");
            data.Add("Mia", kind, "team:North", plan ? OnePerson : "Team North");
            data.Add("Mia", kind, "team:South", plan ? OnePerson : "refused");
            data.Add("Mia", kind, "user:Bob", "Bob Baker");
            data.Add("Mia", kind, "user:Cid", "refused");
            data.Add("Mia", kind, "everyone", plan ? OnePerson : "Team North");
            // An admin: everything.
            data.Add("Ada", kind, "", plan ? "Ada Admin" : "All teams");
            data.Add("Ada", kind, "everyone", plan ? OnePerson : "All teams");
            data.Add("Ada", kind, "team:South", plan ? OnePerson : "Team South");
            data.Add("Ada", kind, "user:Cid", "Cid Chen");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task RunAsync_AnswersOrRefuses_ByRoleReportAndSubject(string asker, ReportKind kind, string subject, string expected)
    {
        var request = new ReportRequest(kind) { Subject = Subject(subject), Period = PeriodSpec.Of(PeriodKind.AllTime) };
        var outcome = await _org.Crm.RunAsync(request, User(asker), SampleOrg.Now);

        if (expected == OnePerson)
        {
            Assert.IsType<SubjectNotAPerson>(outcome);
            return;
        }
        if (expected == "refused")
        {
            var refused = Assert.IsType<ReportRefused>(outcome);
            foreach (var name in new[] { "Ann", "Bob", "Cid", "North", "South", "1,000", "1000" })
                Assert.DoesNotContain(name, refused.Message);
            return;
        }
        var result = Assert.IsType<ReportAnswered>(outcome).Result;
        Assert.Equal(expected, result.Scope);
        Assert.StartsWith(expected, result.Context);
        // "Everyone" answered with less than the company says so; nothing else carries the note.
        var narrowed = subject == "everyone" && expected != "All teams";
        Assert.Equal(narrowed ? [$"Company-wide figures are for admins; this shows {expected} only."] : [],
            result.Notes.Where(n => n.StartsWith("Company-wide", StringComparison.Ordinal)));
        // No row may name a rep outside the scope.
        var visible = Visible(asker, expected);
        var named = result.Tables.SelectMany(t => t.Rows).Select(r => r.Record).OfType<RecordRef>().Where(r => r.Kind == RecordKind.User).Select(r => r.Name);
        Assert.All(named, n => Assert.Contains(n, visible));
        var deals = result.Tables.SelectMany(t => t.Rows).SelectMany(r => r.Cells).Select(c => c.Text);
        foreach (var other in new[] { "Ann Able", "Bob Baker", "Cid Chen" }.Except(visible))
            Assert.DoesNotContain(deals, t => t.Contains(other, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Ann")]
    [InlineData("Mia")]
    [InlineData("Ada")]
    public async Task EveryReportExample_HelpShowsAnAsker_IsAnsweredForThem(string asker)
    {
        // Help once showed reps "forecast for team North", which refuses them. "@someone" stands for a name to fill in.
        var user = User(asker);
        var examples = CommandCatalog.For(user.Role).SelectMany(t => t.Examples(false, user.Role).Concat(t.Examples(true, user.Role)));
        foreach (var example in examples)
        {
            var command = CommandParser.Parse(example);
            Assert.False(command is UnknownCommand or UnusableValueCommand, $"“{example}” is not understood: {command}");
            if (command is not ReportCommand { Request: var request })
                continue;
            var outcome = await _org.Crm.RunAsync(request, user, SampleOrg.Now);
            var placeholder = example.Contains("@someone", StringComparison.Ordinal);
            Assert.True(placeholder ? outcome is SubjectNotFound : outcome is ReportAnswered, $"{asker}: “{example}” gave {outcome}");
        }
    }

    [Fact]
    public async Task RunAsync_RefusesTheSameWay_WhetherOrNotTheNamedPersonHasData()
    {
        var withData = await _org.Crm.RunAsync(new ReportRequest(ReportKind.StaleDeals) { Subject = SubjectSpec.User("Cid Chen") }, _org.Ann, SampleOrg.Now);
        var manager = await _org.Crm.RunAsync(new ReportRequest(ReportKind.StaleDeals) { Subject = SubjectSpec.User("Sam Manager") }, _org.Ann, SampleOrg.Now);
        Assert.Equal(Assert.IsType<ReportRefused>(withData).Message, Assert.IsType<ReportRefused>(manager).Message);
    }

    [Fact]
    public async Task RunAsync_SaysNotFound_WhenNoOneHasTheName()
    {
        var outcome = await _org.Crm.RunAsync(new ReportRequest(ReportKind.Pipeline) { Subject = SubjectSpec.User("Zed") }, _org.Ada, SampleOrg.Now);
        Assert.Equal("Zed", Assert.IsType<SubjectNotFound>(outcome).Name);
    }

    [Fact]
    public async Task RunAsync_AsksWhichOne_WhenANameMatchesSeveralVisiblePeople()
    {
        // "Manager" is in both managers' names; the admin may see both.
        var outcome = await _org.Crm.RunAsync(new ReportRequest(ReportKind.Pipeline) { Subject = SubjectSpec.User("manager") }, _org.Ada, SampleOrg.Now);
        var ambiguous = Assert.IsType<SubjectAmbiguous>(outcome);
        Assert.Equal(["Mia Manager", "Sam Manager"], ambiguous.Candidates.Select(c => c.Name).Order());
    }

    [Fact]
    public async Task RunAsync_PicksTheOnlyVisibleMatch_WhenOthersAreOutOfScope()
    {
        // Mia may see herself but not Sam: "manager" can only mean Mia for her.
        var outcome = await _org.Crm.RunAsync(new ReportRequest(ReportKind.Pipeline) { Subject = SubjectSpec.User("manager") }, _org.Mia, SampleOrg.Now);
        Assert.Equal("Mia Manager", Assert.IsType<ReportAnswered>(outcome).Result.Scope);
    }

    [Fact]
    public async Task RunAsync_ResolvesAChatMention_ToTheLinkedUser()
    {
        _org.Crm.ChatIdentity(_org.Bob, "U0BOB");
        var outcome = await _org.Crm.RunAsync(new ReportRequest(ReportKind.WinRate) { Subject = SubjectSpec.Mention("U0BOB") }, _org.Mia, SampleOrg.Now);
        Assert.Equal("Bob Baker", Assert.IsType<ReportAnswered>(outcome).Result.Scope);
    }

    [Fact]
    public async Task RunAsync_SaysAMentionedPersonIsNotFound_AsAMention()
    {
        var outcome = await _org.Crm.RunAsync(new ReportRequest(ReportKind.WinRate) { Subject = SubjectSpec.Mention("U0NOBODY") }, _org.Mia, SampleOrg.Now);
        Assert.Equal(new SubjectNotFound("U0NOBODY", SubjectKind.Mention), outcome);
    }

    private User User(string name) => name switch
    {
        "Ann" => _org.Ann,
        "Mia" => _org.Mia,
        _ => _org.Ada,
    };

    private static SubjectSpec? Subject(string s) => s switch
    {
        "" => null,
        "me" => SubjectSpec.Me,
        "team" => SubjectSpec.MyTeam,
        "everyone" => SubjectSpec.Everyone,
        _ when s.StartsWith("team:") => SubjectSpec.Team(s[5..]),
        _ => SubjectSpec.User(s[5..]),
    };

    private static string[] Visible(string asker, string scope) => scope switch
    {
        "Team North" => ["Ann Able", "Bob Baker", "Mia Manager"],
        "Team South" => ["Cid Chen", "Sam Manager"],
        "All teams" => ["Ann Able", "Bob Baker", "Cid Chen", "Mia Manager", "Sam Manager", "Ada Admin"],
        _ => [scope],
    };
}
