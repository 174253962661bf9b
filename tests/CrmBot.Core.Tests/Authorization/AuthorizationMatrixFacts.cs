using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using static CrmBot.Core.Tests.Authorization.AuthorizationOrg;

namespace CrmBot.Core.Tests.Authorization;

/// <summary>
/// Issue 10, point 2: every command and every card verb × rep / manager / admin × DM / Teams channel / Slack
/// channel, through the real engine and report runner on a real SQLite database. The expected outcomes
/// (<see cref="AuthorizationMatrix"/>) come from design.md; the leak check searches everything a reply carries
/// (text, table cells, chart labels, buttons and their data, inputs) for the words of records the asker may
/// not see. Unlinked and guest chat users never reach the engine: see the identity facts below and the
/// HTTP matrix in CrmBot.Web.Tests (AuthorizationEndpointFacts).
/// </summary>
public sealed class AuthorizationMatrixFacts(AuthorizationMatrixFacts.Company company) : IClassFixture<AuthorizationMatrixFacts.Company>
{
    public sealed class Company : IDisposable
    {
        public AuthorizationOrg Org { get; } = new();
        public void Dispose() => Org.Dispose();
    }

    private static readonly string[] Askers = [Ann, Mia, Ada];

    public static TheoryData<string, string, Place> Cases()
    {
        var data = new TheoryData<string, string, Place>();
        foreach (var row in AuthorizationMatrix.Rows)
            foreach (var asker in Askers)
                foreach (var place in Enum.GetValues<Place>())
                    data.Add(row.Name, asker, place);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Engine_AnswersOnlyWhatTheAskerMaySee(string rowName, string askerName, Place place)
    {
        var row = AuthorizationMatrix.Rows.Single(r => r.Name == rowName);
        var expected = row.For(askerName, place);
        using var world = company.Org.NewCase();
        var asker = world.Asker(askerName);
        var context = Context(place);
        var before = await WritesAsync(world, asker.UserId);

        var reply = row.Text is { } text
            ? await world.SayAsync(asker, context, text)
            : await world.PressAsync(asker, context, row.Action!(company.Org));

        var all = Everything(reply);
        Assert.True(KindOf(expected) == reply.Kind, $"Expected {expected} ({KindOf(expected)}), got {reply.Kind}: {all}");
        var after = await WritesAsync(world, asker.UserId);
        Assert.Equal(before.Others, after.Others); // nobody else's settings change, whatever the button says
        if (expected == Outcome.Done)
            Assert.True(before.Written != after.Written, $"Confirmed but nothing written: {all}");
        else
            Assert.Equal(before.Written, after.Written);
        await AssertNewRowsAreTheAskersAsync(world, asker.UserId, before.MaxIds);

        if (expected == Outcome.NotFound)
            await AssertSameAsForANameThatDoesNotExistAsync(world, asker, context, row.Text!, reply);
        else
            AssertNoRecordOutsideScope(askerName, row, all);
        if (expected == Outcome.Refused)
            AssertNamesNoData(all);
        if (askerName == Ann && reply.Kind == ReplyKind.Help)
            Assert.DoesNotMatch("(?i)subscri|nudge stats", Everything(reply with { Text = null })); // help hides what a rep may not run

        if (place != Place.Dm)
            AssertFitsAChannel(row, reply, expected, all);
    }

    /// <summary>Section 7: a channel reply carries team aggregates only; anything personal goes to the asker alone.</summary>
    private static void AssertFitsAChannel(MatrixRow row, Reply reply, Outcome expected, string all)
    {
        // A new scheduled post is news for the channel; every other confirmation, refusal or form is the asker's.
        if (expected is Outcome.Refused or Outcome.NotFound or Outcome.Form or Outcome.Error || (expected == Outcome.Done && row.Topic != "subscribe"))
            Assert.True(reply.Visibility == Visibility.Private, $"A {expected} reply in a channel must go to the asker only: {all}");
        if (reply.Visibility == Visibility.Private)
            return;
        foreach (var word in WordOf.Values)
            Assert.False(all.Contains(word, StringComparison.Ordinal), $"Record word “{word}” posted to the channel: {all}");
        if (reply.Report is { } report)
            Assert.False(People.Contains(report.Scope), $"One person's figures ({report.Scope}) posted to the channel: {all}");
    }

    private static void AssertNoRecordOutsideScope(string asker, MatrixRow row, string all)
    {
        var owners = RecordOwners(asker).Where(o => row.Subject is null || row.Subject.Contains(o)).ToHashSet();
        foreach (var (owner, word) in WordOf)
            if (!owners.Contains(owner))
                Assert.False(all.Contains(word, StringComparison.Ordinal), $"{asker} was shown {owner}'s record “{word}”: {all}");
        foreach (var person in People.Except(VisiblePeople(asker)))
            Assert.False(all.Contains(person, StringComparison.Ordinal), $"{asker} was shown {person}: {all}");
    }

    private static void AssertNamesNoData(string all)
    {
        foreach (var word in WordOf.Values.Concat(People).Concat(["North", "South"]))
            Assert.False(all.Contains(word, StringComparison.Ordinal), $"A refusal names “{word}”: {all}");
    }

    /// <summary>"Not found among yours" must not tell a record out of scope from one that does not exist.</summary>
    private static async Task AssertSameAsForANameThatDoesNotExistAsync(AuthorizationCase world, Asker asker, ChatContext context, string text, Reply reply)
    {
        var word = WordOf.Values.Single(w => text.Contains(w, StringComparison.Ordinal));
        var nothing = await world.SayAsync(asker, context, text.Replace(word, "Zyzzyva", StringComparison.Ordinal));
        Assert.Equal(Everything(nothing), Everything(reply).Replace(word, "Zyzzyva", StringComparison.Ordinal));
    }

    private static async Task AssertNewRowsAreTheAskersAsync(AuthorizationCase world, int askerId, (int Activity, int Snooze, int Subscription) maxIds)
    {
        using var db = world.Database.NewContext();
        Assert.All(await db.Activities.Where(a => a.Id > maxIds.Activity).ToListAsync(), a => Assert.Equal(askerId, a.OwnerId));
        Assert.All(await db.Snoozes.Where(s => s.Id > maxIds.Snooze).ToListAsync(), s => Assert.Equal(askerId, s.UserId));
        Assert.All(await db.ChannelSubscriptions.Where(s => s.Id > maxIds.Subscription).ToListAsync(), s => Assert.Equal(askerId, s.CreatedByUserId));
    }

    /// <summary>What chat can write, as text: activities, snoozes, nudge outcomes, subscriptions, links, the asker's settings; and everyone else's settings.</summary>
    private static async Task<(string Written, string Others, (int, int, int) MaxIds)> WritesAsync(AuthorizationCase world, int askerId)
    {
        using var db = world.Database.NewContext();
        var users = await db.Users.OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.NudgeTime, u.WorkingDaysMask, u.Language, u.StaleThresholdDays, u.NudgesEnabled }).ToListAsync();
        var subscriptions = await db.ChannelSubscriptions.OrderBy(s => s.Id)
            .Select(s => new { s.TeamId, s.ConversationId, s.DayOfWeek, s.TimeOfDay, s.IsActive }).ToListAsync();
        var written = string.Join(",", await db.Activities.CountAsync(), await db.Snoozes.CountAsync(), await db.NudgeItems.CountAsync(),
            string.Join("/", subscriptions), await db.ChatIdentities.CountAsync(), users.Single(u => u.Id == askerId));
        var others = string.Join(";", users.Where(u => u.Id != askerId));
        var maxIds = (await db.Activities.MaxAsync(a => (int?)a.Id) ?? 0, await db.Snoozes.MaxAsync(s => (int?)s.Id) ?? 0,
            await db.ChannelSubscriptions.MaxAsync(s => (int?)s.Id) ?? 0);
        return (written, others, maxIds);
    }

    private static ReplyKind KindOf(Outcome outcome) => outcome switch
    {
        Outcome.Answer => ReplyKind.Report,
        Outcome.Refused => ReplyKind.Refusal,
        Outcome.NotFound or Outcome.Error => ReplyKind.Error,
        Outcome.Done or Outcome.Listed => ReplyKind.Confirmation,
        Outcome.Help => ReplyKind.Help,
        _ => ReplyKind.Settings,
    };

    public static ChatContext Context(Place place) => place switch
    {
        Place.Dm => new ChatContext(ChatPlatform.Teams, "tenant-1", "a:dm-1", "29:asker", IsPersonal: true),
        Place.TeamsChannel => new ChatContext(ChatPlatform.Teams, "tenant-1", "19:sales@thread.tacv2", "29:asker", IsPersonal: false),
        _ => new ChatContext(ChatPlatform.Slack, SlackWorkspace, SlackChannel, "U0ASKER", IsPersonal: false),
    };

    private static readonly JsonSerializerOptions AllOfIt = new()
    {
        IncludeFields = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Every word a reply carries to the client: text, report (cells, records, chart, actions), help, inputs, buttons and their data.</summary>
    public static string Everything(Reply reply) => JsonSerializer.Serialize(reply, AllOfIt).Replace("\\\"", "\"", StringComparison.Ordinal);

    // --- The matrix covers everything the bot understands: a new command or verb without a row fails here. ---

    [Fact]
    public void Matrix_HasARow_ForEveryCommandTheEngineRoutes()
    {
        var parsed = AuthorizationMatrix.Rows.Where(r => r.Text is not null).Select(r => CommandParser.Parse(r.Text).GetType()).ToHashSet();
        Assert.All(ChatRoutes.Commands, route => Assert.True(parsed.Contains(route.Command), $"No matrix row is a {route.Command.Name}"));
    }

    [Fact]
    public void Matrix_HasARow_ForEveryReport()
    {
        var asked = AuthorizationMatrix.Rows.Where(r => r.Text is not null).Select(r => CommandParser.Parse(r.Text)).Select(c => c switch
        {
            ReportCommand report => report.Request.Kind,
            NudgeStatsCommand => ReportKind.NudgeStats,
            _ => (ReportKind?)null,
        }).OfType<ReportKind>().ToHashSet();
        Assert.All(Enum.GetValues<ReportKind>(), kind => Assert.True(asked.Contains(kind), $"No matrix row asks for {kind}"));
    }

    [Fact]
    public void Matrix_HasARow_ForEveryHelpTopic()
    {
        var topics = AuthorizationMatrix.Rows.Select(r => r.Topic).ToHashSet();
        Assert.All(CommandCatalog.Topics, t => Assert.True(topics.Contains(t.Topic), $"No matrix row for the command “{t.Topic}”"));
    }

    [Fact]
    public void Matrix_HasARow_ForEveryCardVerb()
    {
        var verbs = typeof(CardVerbs).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Concat(ChatRoutes.CardActions.Select(a => a.Verb));
        var rows = AuthorizationMatrix.Rows.Select(r => r.Action is null ? null : r.Verb).ToHashSet();
        Assert.All(verbs, verb => Assert.True(rows.Contains(verb), $"No matrix row presses {verb}"));
    }

    [Fact]
    public void Matrix_RowsSayWhatTheyMean()
    {
        Assert.Equal(AuthorizationMatrix.Rows.Count, AuthorizationMatrix.Rows.Select(r => r.Name).Distinct().Count());
        foreach (var row in AuthorizationMatrix.Rows.Where(r => r.Text is not null))
        {
            var command = CommandParser.Parse(row.Text);
            if (row.Rep == Outcome.Help && row.Text!.StartsWith("blorp", StringComparison.Ordinal))
                Assert.IsType<UnknownCommand>(command);
            else
                Assert.IsNotType<UnknownCommand>(command);
            // A row about someone else must really name them, or it would test the asker's own scope twice.
            if (row.Subject is not null && command is ReportCommand report)
                Assert.True(report.Request.Subject?.Kind is SubjectKind.User or SubjectKind.Team, $"“{row.Text}” names no one");
        }
        Assert.All(AuthorizationMatrix.Rows.Where(r => r.Action is not null), r => Assert.Equal(r.Verb, r.Action!(company.Org).Verb));
    }

    // --- Unlinked and guest users: the identity linker is where they stop (the channels' part is tested over HTTP). ---

    [Theory]
    [InlineData(Place.Dm, "stranger@elsewhere.example")]
    [InlineData(Place.TeamsChannel, "stranger@elsewhere.example")]
    [InlineData(Place.SlackChannel, null)] // a guest: the channel passes no e-mail, so nobody is matched
    public async Task IdentityLinker_FindsNoOne_ForAChatUserWhoIsNoCrmUser(Place place, string? email)
    {
        using var world = company.Org.NewCase();
        var asker = await world.LinkAsync(Context(place), email);
        Assert.Null(asker);
        using var db = world.Database.NewContext();
        Assert.Equal(0, await db.ChatIdentities.CountAsync());
    }

    [Fact]
    public async Task IdentityLinker_FindsNoOne_ForALinkedAccountWhoseCrmUserLeft()
    {
        using var world = company.Org.NewCase();
        var place = Context(Place.TeamsChannel);
        Assert.NotNull(await world.LinkAsync(place, company.Org.User(Ann).Email)); // linked on first contact

        using (var db = world.Database.NewContext())
            await db.Users.Where(u => u.Id == company.Org.Id(Ann)).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false));

        Assert.Null(await world.LinkAsync(place, company.Org.User(Ann).Email));
    }
}
