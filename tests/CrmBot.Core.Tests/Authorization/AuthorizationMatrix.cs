using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using static CrmBot.Core.Tests.Authorization.AuthorizationOrg;
using static CrmBot.Core.Tests.Authorization.Outcome;

namespace CrmBot.Core.Tests.Authorization;

/// <summary>What an asker gets, written from design.md sections 5–7, not from the code.</summary>
public enum Outcome
{
    /// <summary>A report, listing only records in the asker's (and the subject's) scope.</summary>
    Answer,
    /// <summary>A polite refusal that names no data; nothing written.</summary>
    Refused,
    /// <summary>"I couldn't find … among yours": the same words whether the record exists out of scope or not at all.</summary>
    NotFound,
    /// <summary>Confirmed and written (an activity, a snooze, a setting, a subscription), and only the asker's own.</summary>
    Done,
    /// <summary>A confirmation that lists something (the channel's subscriptions) and writes nothing.</summary>
    Listed,
    Help,
    /// <summary>The asker's own settings form.</summary>
    Form,
    /// <summary>A polite "cannot do that here / like this"; nothing written.</summary>
    Error,
}

/// <summary>Where the message is typed: in a channel the rule "team aggregates only" applies.</summary>
public enum Place { Dm, TeamsChannel, SlackChannel }

/// <summary>
/// One row of the matrix: a typed command or a pressed button, what it covers (command type, report, help
/// topic, card verb), and the expected outcome for the rep Ann, the manager Mia and the admin Ada.
/// <paramref name="InChannel"/> overrides the outcome in a channel (subscriptions are set up there, not in a DM).
/// <paramref name="Subject"/> narrows the allowed records to one person's or team's (a report "for Bob Baker").
/// </summary>
public sealed record MatrixRow(
    string Name, string Topic, Outcome Rep, Outcome Manager, Outcome Admin,
    string? Text = null, Func<AuthorizationOrg, CardAction>? Action = null, string? Verb = null,
    IReadOnlyList<string>? Subject = null, Func<string, Place, Outcome?>? InChannel = null)
{
    public Outcome For(string asker, Place place)
    {
        var outcome = asker switch { Ann => Rep, Mia => Manager, _ => Admin };
        return place != Place.Dm && InChannel?.Invoke(asker, place) is { } inChannel ? inChannel : outcome;
    }

    public override string ToString() => Name;
}

/// <summary>Every command and every card verb the bot understands, with the expected outcome for each asker.</summary>
public static class AuthorizationMatrix
{
    private static readonly string[] North = [Ann, Bob, Mia];

    /// <summary>Phrases for each report, with the help topic that explains it. Every ReportKind must be here (a fact checks it).</summary>
    public static readonly IReadOnlyList<(ReportKind Kind, string Topic, string Phrase)> Reports =
    [
        (ReportKind.StaleDeals, "stale", "stale deals"),
        (ReportKind.NeglectedCustomers, "neglected", "neglected customers"),
        (ReportKind.Leaderboard, "leaderboard", "leaderboard"),
        (ReportKind.LostDeals, "lost", "lost deals"),
        (ReportKind.Pipeline, "pipeline", "pipeline"),
        (ReportKind.Leads, "leads", "leads"),
        (ReportKind.Activity, "activity", "activity"),
        (ReportKind.WinRate, "winrate", "win rate"),
        (ReportKind.Trends, "trends", "compare yoy"),
        (ReportKind.Forecast, "forecast", "forecast"),
        (ReportKind.ActionPlan, "plan", "plan"),
    ];

    public static IReadOnlyList<MatrixRow> Rows { get; } = Build();

    private static List<MatrixRow> Build()
    {
        var rows = new List<MatrixRow>();
        foreach (var (kind, topic, phrase) in Reports)
        {
            var leaderboard = kind == ReportKind.Leaderboard;
            // Section 6: a rep sees their own records (and the team leaderboard), a manager their team, an admin all.
            rows.Add(new($"{phrase}", topic, Answer, Answer, Answer, Text: phrase));
            rows.Add(new($"{phrase} for a teammate", topic, Refused, Answer, Answer, Text: $"{phrase} for {Bob}", Subject: [Bob]));
            rows.Add(new($"{phrase} for someone in another team", topic, Refused, Refused, Answer, Text: $"{phrase} for {Cid}", Subject: [Cid]));
            // A plan is one person's: asked for a team, it asks for a person instead.
            var plan = kind == ReportKind.ActionPlan;
            rows.Add(new($"{phrase} for the own team", topic, leaderboard ? Answer : plan ? Error : Refused, plan ? Error : Answer, plan ? Error : Answer, Text: $"{phrase} for team North", Subject: North));
            rows.Add(new($"{phrase} for another team", topic, plan ? Error : Refused, plan ? Error : Refused, plan ? Error : Answer, Text: $"{phrase} for team South", Subject: [Cid, Sam]));
        }
        rows.Add(new("nudge stats", "nudgestats", Refused, Answer, Answer, Text: "nudge stats"));

        rows.Add(new("help", "help", Help, Help, Help, Text: "help"));
        rows.Add(new("help on a manager's command", "help", Help, Help, Help, Text: "help subscribe"));
        rows.Add(new("words the bot does not know", "help", Help, Help, Help, Text: "blorp the frobnicator"));
        rows.Add(new("a report with a date that does not exist", "lost", Error, Error, Error, Text: "lost deals 2026-02-30"));

        // Acting on records: the asker's own, a teammate's, another team's (section 6 and the "forged ids" of issue 10).
        foreach (var (verb, topic, text) in new[] { ("log", "log", "log call with {0}: talked pricing"), ("snooze", "snooze", "snooze {0} 7 days") })
        {
            rows.Add(new($"{verb} on own deal", topic, Done, Done, Done, Text: string.Format(text, "Aardvark Renewal")));
            // Bob's deal: his manager and the admin may act on it, Ann (another rep) may not even learn it exists.
            rows.Add(new($"{verb} on a teammate's deal", topic, NotFound, Done, Done, Text: string.Format(text, "Bumblebee Renewal")));
            rows.Add(new($"{verb} on another team's account", topic, NotFound, NotFound, Done, Text: string.Format(text, "Cassowary Holdings")));
        }

        rows.Add(new("settings form", "settings", Form, Form, Form, Text: "settings"));
        rows.Add(new("change a setting", "settings", Done, Done, Done, Text: "settings nudge time 8:30"));

        // Section 7: managers (their teams) and admins set up a channel's scheduled posts, in that channel.
        rows.Add(new("subscribe", "subscribe", Refused, Error, Error, Text: "subscribe leaderboard weekly monday 9:00",
            InChannel: (a, _) => a == Mia ? Done : a == Ada ? Error : null)); // Ada manages no team: she must name one
        rows.Add(new("subscribe another team", "subscribe", Refused, Error, Error, Text: "subscribe leaderboard weekly monday 9:00 for team South",
            InChannel: (a, _) => a == Mia ? Refused : a == Ada ? Done : null));
        // The Slack channel carries South's leaderboard: Mia (North) has nothing there to stop, Ada stops it.
        rows.Add(new("unsubscribe", "subscribe", Refused, Error, Error, Text: "unsubscribe leaderboard",
            InChannel: (a, place) => a == Ann ? null : a == Ada && place == Place.SlackChannel ? Done : Listed));
        rows.Add(new("list subscriptions", "subscribe", Listed, Listed, Listed, Text: "subscriptions"));

        // Buttons: the data comes back from the client and can be edited.
        rows.Add(new("run button: own report", "help", Answer, Answer, Answer, Action: _ => Button(CardVerbs.Run, ("command", "pipeline")), Verb: CardVerbs.Run));
        rows.Add(new("run button: forged request about another team's rep", "help", Refused, Refused, Answer,
            Action: _ => Button(CardVerbs.Run, ("request", Request(ReportKind.StaleDeals, SubjectSpec.User(Cid), 0))), Verb: CardVerbs.Run, Subject: [Cid]));
        rows.Add(new("page button: next page of own report", "stale", Answer, Answer, Answer,
            Action: _ => Button(CardVerbs.Page, ("request", Request(ReportKind.StaleDeals, null, 10))), Verb: CardVerbs.Page));
        rows.Add(new("page button: forged page of another team", "stale", Refused, Refused, Answer,
            Action: _ => Button(CardVerbs.Page, ("request", Request(ReportKind.LostDeals, SubjectSpec.Team("South"), 0))), Verb: CardVerbs.Page, Subject: [Cid, Sam]));
        foreach (var (verb, extra) in new[] { (CardVerbs.LogActivity, ("type", "call")), (CardVerbs.Snooze, ("days", "7")) })
        {
            var topic = verb == CardVerbs.Snooze ? "snooze" : "log";
            rows.Add(new($"{verb} button: own deal", topic, Done, Done, Done, Action: o => Button(verb, extra, ("opportunityId", Id(o, Ann, "deal"))), Verb: verb));
            rows.Add(new($"{verb} button: teammate's account", topic, Refused, Done, Done, Action: o => Button(verb, extra, ("accountId", Id(o, Bob, "account"))), Verb: verb));
            rows.Add(new($"{verb} button: forged id of another team's deal", topic, Refused, Refused, Done,
                Action: o => Button(verb, extra, ("opportunityId", Id(o, Cid, "deal"))), Verb: verb));
            rows.Add(new($"{verb} button: id of no record", topic, Refused, Refused, Refused, Action: _ => Button(verb, extra, ("opportunityId", "999999")), Verb: verb));
        }
        rows.Add(new("save settings", "settings", Done, Done, Done, Action: _ => Button(CardVerbs.SaveSettings, (SettingNames.NudgeTime, "07:45")), Verb: CardVerbs.SaveSettings));
        rows.Add(new("save settings with a forged user id", "settings", Done, Done, Done,
            Action: o => Button(CardVerbs.SaveSettings, (SettingNames.NudgeTime, "07:45"), ("userId", o.Id(Cid).ToString()), ("UserId", o.Id(Cid).ToString())),
            Verb: CardVerbs.SaveSettings));
        rows.Add(new("a verb the bot does not know", "help", Error, Error, Error, Action: _ => Button("deleteEverything", ("opportunityId", "1")), Verb: "deleteEverything"));
        return rows;
    }

    private static string Id(AuthorizationOrg org, string owner, string record) => org.RecordIds[(owner, record)].ToString();

    private static string Request(ReportKind kind, SubjectSpec? subject, int offset) =>
        ReportRequestJson.Serialize(new ReportRequest(kind) { Subject = subject, Offset = offset });

    private static CardAction Button(string verb, params (string Key, string Value)[] data) =>
        new(verb, data.ToDictionary(d => d.Key, d => d.Value));
}
