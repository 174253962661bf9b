using System.Security.Cryptography;
using System.Text;
using CrmBot.Core.Data;

namespace CrmBot.Core.Import;

/// <summary>
/// Imports a Zoho CRM export (../shared/data/zoho-crm-sample): users, accounts, contacts, leads, deals
/// ("Potentials"), calls, events and tasks. Mapping rules and the de-duplication rule for activities
/// are documented in docs/data-import.md.
/// </summary>
public static class ZohoImport
{
    public const string Source = "zoho";

    /// <summary>Domain of the predictable e-mail given to a user exported without one.</summary>
    public const string EmailDomain = "zoho.example";

    /// <summary>Zoho writes "15 Apr, 2021 00:02:00" in some files and ISO in others; every date column accepts both.</summary>
    private static readonly string[] DateFormats = ["dd MMM, yyyy HH:mm:ss", "d MMM, yyyy HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"];

    private sealed record UserRow(string Id, string Name, string Email);
    private sealed record AccountRow(string Id, string Name, string OwnerId, string? Industry);
    private sealed record ContactRow(string Id, string Name, string OwnerId, string? AccountId, string? Email, string? Source, string? Phone, DateTime Created);
    private sealed record LeadRow(string Id, string Name, string? Company, string Owner, string? Email, string? Industry, string Source,
        string Status, DateTime Created, bool Converted);
    private sealed record DealRow(string LeadId, string Name, string Owner, DateTime Created, DateTime? Closing, long? AmountCents,
        OpportunityStage Stage, OpportunityType Type, string? Source, int Probability);
    private sealed record ActivityRow(string ExternalId, ActivityType Type, ActivityStatus Status, string OwnerKey, string? Subject, string? Notes,
        DateTime Created, DateTime? Due, DateTime? Completed, string? AccountId, string? ContactId, string? LeadId);

    public static async Task<ImportResult> RunAsync(CrmDbContext db, string directory, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        const int fileCount = 8;
        progress?.Report(new ImportProgress("Reading CSV files", 0, fileCount));
        var usersFile = CsvFile.Read(directory, "Users.csv", "USER_ID", "Last Name", "Email");
        var accountsFile = CsvFile.Read(directory, "Accounts.csv", "ACCOUNTID", "Account Name", "Account Owner Id", "Industry", "Website");
        var contactsFile = CsvFile.Read(directory, "Contacts.csv", "CONTACTID", "Last Name", "Contact Owner Id", "Account Id", "Email", "Lead Source", "Mobile", "Created Time");
        var leadsFile = CsvFile.Read(directory, "Leads.csv", "LEADID", "Last Name", "Company", "Lead Owner", "Email", "Industry", "Lead Source", "Lead Status", "Created Time", "CONVERTED");
        var dealsFile = CsvFile.Read(directory, "Potentials.csv", "Potential Name", "Potential Owner", "Created Time", "Closing Date", "Amount", "Stage", "Type", "Lead Source", "Probability", "LEADID");
        var callsFile = CsvFile.Read(directory, "Calls.csv", "TASKID", "Call Start Time", "Call Duration (in seconds)", "Call Owner Id", "Subject", "Call Type", "Call Purpose", "Created Time", "CONTACTID", "ACCOUNTID", "LEADID");
        var eventsFile = CsvFile.Read(directory, "Events.csv", "EVENTID", "Event Owner Id", "Subject", "Start DateTime", "End DateTime", "Created Time", "CONTACTID", "ACCOUNTID", "LEADID");
        var tasksFile = CsvFile.Read(directory, "Tasks.csv", "Task Owner", "Subject", "Created Time", "Due Date", "Status", "Modified Time");
        progress?.Report(new ImportProgress("Reading CSV files", fileCount, fileCount));

        var errors = new RowErrors();
        var users = Unique(usersFile, errors, "USER_ID", r => new UserRow(r.Required("USER_ID"), r.Required("Last Name"),
            r.Optional("Email")?.ToLowerInvariant() ?? PredictableEmail.For(r.Required("Last Name"), EmailDomain)), u => u.Id);
        var userIdByName = users.Values.GroupBy(u => u.Name).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        string OwnerById(CsvRow r, string column) =>
            users.ContainsKey(r.Required(column)) ? r.Required(column) : throw new RowRejectedException($"{column} '{r.Required(column)}' is not in Users.csv");
        string OwnerByName(CsvRow r, string column) =>
            userIdByName.TryGetValue(r.Required(column), out var id) ? id : throw new RowRejectedException($"{column} '{r.Required(column)}' is not a user in Users.csv");

        var sources = new SourceNames(leadsFile.Rows.Select(r => r.Optional("Lead Source"))
            .Concat(dealsFile.Rows.Select(r => r.Optional("Lead Source"))).Concat(contactsFile.Rows.Select(r => r.Optional("Lead Source"))));

        var accounts = Unique(accountsFile, errors, "ACCOUNTID", r => new AccountRow(r.Required("ACCOUNTID"), AccountName(r), OwnerById(r, "Account Owner Id"), r.Optional("Industry")), a => a.Id);
        var contacts = Unique(contactsFile, errors, "CONTACTID", r => new ContactRow(r.Required("CONTACTID"), r.Required("Last Name"), OwnerById(r, "Contact Owner Id"),
            r.Optional("Account Id"), r.Optional("Email"), sources.Canonical(r.Optional("Lead Source")), r.Optional("Mobile"), r.RequiredDateTime("Created Time", DateFormats)), c => c.Id);
        var leads = Unique(leadsFile, errors, "LEADID", r => new LeadRow(r.Required("LEADID"), r.Required("Last Name"), r.Optional("Company"), OwnerByName(r, "Lead Owner"),
            r.Optional("Email"), r.Optional("Industry"), sources.Canonical(r.Optional("Lead Source")) ?? "Unknown", r.Required("Lead Status"),
            r.RequiredDateTime("Created Time", DateFormats), YesNo(r, "CONVERTED")), l => l.Id);
        var deals = Unique(dealsFile, errors, "LEADID", r => ParseDeal(r, leads, sources, OwnerByName), d => d.LeadId);
        var activities = ParseCalls(callsFile, errors, OwnerById)
            .Concat(errors.Parse(eventsFile, r => ParseEvent(r, OwnerById)))
            .Concat(ParseTasks(tasksFile, errors, OwnerByName)).ToList();
        if (errors.Any)
            return ImportResult.Failed(errors.Messages);

        var session = new ImportSession(db, Source);
        await ImportSession.RunInTransactionAsync(db, async () =>
        {
            var firstDate = leads.Values.Select(l => l.Created).Concat(deals.Values.Select(d => d.Created)).DefaultIfEmpty(DateTime.UnixEpoch).Min();
            var userIds = await WriteUsersAsync(session, users.Values, ct);
            progress?.Report(new ImportProgress("Accounts and contacts", 0, accounts.Count + contacts.Count));
            var accountIds = await WriteAccountsAsync(session, accounts.Values, userIds, firstDate, ct);
            var contactIds = await WriteContactsAsync(session, contacts.Values, userIds, accountIds, ct);
            progress?.Report(new ImportProgress("Accounts and contacts", accounts.Count + contacts.Count, accounts.Count + contacts.Count));
            progress?.Report(new ImportProgress("Leads and deals", 0, leads.Count + deals.Count));
            var accountByName = accounts.Values.GroupBy(a => a.Name).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => accountIds[g.Single().Id], StringComparer.Ordinal);
            var leadIds = await WriteLeadsAndDealsAsync(session, leads, deals, userIds, accountByName, ct);
            progress?.Report(new ImportProgress("Leads and deals", leads.Count + deals.Count, leads.Count + deals.Count));
            progress?.Report(new ImportProgress("Activities", 0, activities.Count));
            await WriteActivitiesAsync(session, activities, userIds, accountIds, contactIds, leadIds, ct);
            progress?.Report(new ImportProgress("Activities", activities.Count, activities.Count));
        }, ct);

        return new ImportResult([], session.Changes,
        [
            $"Calls: {callsFile.Rows.Count:N0} rows, {activities.Count(a => a.Type == ActivityType.Call):N0} distinct calls (rows equal but for TASKID are one call).",
            $"Tasks: {tasksFile.Rows.Count:N0} rows, {activities.Count(a => a.Type == ActivityType.Task):N0} distinct tasks (same owner, subject, created and due time are one task).",
            $"{activities.Count(a => a.AccountId is not null && !accounts.ContainsKey(a.AccountId)):N0} activities name an ACCOUNTID missing from Accounts.csv and are kept without an account.",
        ]);
    }

    // ---- Parsing ----

    private static Dictionary<string, T> Unique<T>(CsvFile file, RowErrors errors, string idColumn, Func<CsvRow, T> parse, Func<T, string> id)
    {
        var byId = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (row, value) in errors.Parse(file, r => (r, parse(r))))
        {
            if (!byId.TryAdd(id(value), value))
                errors.Add(row, $"{idColumn} '{id(value)}' is listed twice");
        }
        return byId;
    }

    /// <summary>Three accounts in the sample have no name: they are named by their website, else by their id.</summary>
    private static string AccountName(CsvRow r) => r.Optional("Account Name") ?? r.Optional("Website") ?? $"Account {r.Required("ACCOUNTID")}";

    private static bool YesNo(CsvRow r, string column) => r.Required(column) switch
    {
        "Yes" => true,
        "No" => false,
        var other => throw new RowRejectedException($"{column} '{other}' is not Yes or No"),
    };

    private static DealRow ParseDeal(CsvRow r, Dictionary<string, LeadRow> leads, SourceNames sources, Func<CsvRow, string, string> ownerByName)
    {
        var leadId = r.Required("LEADID");
        if (!leads.ContainsKey(leadId))
            throw new RowRejectedException($"LEADID '{leadId}' is not in Leads.csv (a deal's id is built from its lead)");
        var stage = r.Required("Stage") switch
        {
            "Prospect" => OpportunityStage.Prospecting,
            "Qualification" => OpportunityStage.Qualification,
            "Needs Analysis" => OpportunityStage.NeedsAnalysis,
            "Initial Offer" or "Proposal/Price Quote" => OpportunityStage.Proposal,
            "Negotiation/Review" => OpportunityStage.Negotiation,
            "Closed Won" => OpportunityStage.ClosedWon,
            "Closed Lost" => OpportunityStage.ClosedLost,
            var other => throw new RowRejectedException($"Stage '{other}' is not a known Zoho stage"),
        };
        var type = r.Required("Type") switch
        {
            "New Business" => OpportunityType.NewBusiness,
            // Zoho's only other type: more business from an existing customer.
            "Existing Business" => OpportunityType.Upsell,
            var other => throw new RowRejectedException($"Type '{other}' is not New Business or Existing Business"),
        };
        var probability = r.OptionalInt("Probability") ?? 0;
        if (probability is < 0 or > 100)
            throw new RowRejectedException($"Probability {probability} is not between 0 and 100");
        return new DealRow(leadId, r.Required("Potential Name"), ownerByName(r, "Potential Owner"), r.RequiredDateTime("Created Time", DateFormats),
            r.OptionalDateTime("Closing Date", DateFormats), r.OptionalMoneyCents("Amount"), stage, type, sources.Canonical(r.Optional("Lead Source")), probability);
    }

    /// <summary>
    /// Calls.csv repeats each call under several TASKIDs (1000309…10000309): rows equal in every column but
    /// TASKID are one call, kept under its smallest TASKID.
    /// </summary>
    private static IEnumerable<ActivityRow> ParseCalls(CsvFile file, RowErrors errors, Func<CsvRow, string, string> ownerById)
    {
        var parsed = errors.Parse(file, r =>
        {
            var start = r.RequiredDateTime("Call Start Time", DateFormats);
            var minutes = (r.OptionalInt("Call Duration (in seconds)") ?? 0) / 60;
            var notes = $"{r.Optional("Call Type")} call, {r.Optional("Call Purpose")}, {minutes} min";
            var content = r.ContentExcept("TASKID");
            return (Content: content, TaskId: r.Required("TASKID"), Row: new ActivityRow("", ActivityType.Call, ActivityStatus.Completed,
                ownerById(r, "Call Owner Id"), r.Optional("Subject"), notes, r.RequiredDateTime("Created Time", DateFormats), start, start,
                r.Optional("ACCOUNTID"), r.Optional("CONTACTID"), r.Optional("LEADID")));
        });
        return parsed.GroupBy(p => p.Content, StringComparer.Ordinal)
            .Select(g => g.MinBy(p => (p.TaskId.Length, p.TaskId))!)
            .Select(p => p.Row with { ExternalId = $"call:{p.TaskId}" });
    }

    private static ActivityRow ParseEvent(CsvRow r, Func<CsvRow, string, string> ownerById)
    {
        var start = r.RequiredDateTime("Start DateTime", DateFormats);
        return new ActivityRow($"event:{r.Required("EVENTID")}", ActivityType.Meeting, ActivityStatus.Completed, ownerById(r, "Event Owner Id"),
            r.Optional("Subject"), null, r.RequiredDateTime("Created Time", DateFormats), start, start,
            r.Optional("ACCOUNTID"), r.Optional("CONTACTID"), r.Optional("LEADID"));
    }

    /// <summary>
    /// Tasks.csv has no id and repeats rows: owner + subject + created + due identify a task (status and
    /// modified time may change between exports); its id is a hash of those four values.
    /// </summary>
    private static IEnumerable<ActivityRow> ParseTasks(CsvFile file, RowErrors errors, Func<CsvRow, string, string> ownerByName)
    {
        var parsed = errors.Parse(file, r =>
        {
            var identity = string.Join('\u001f', r.Required("Task Owner"), r.Optional("Subject"), r.Required("Created Time"), r.Optional("Due Date"));
            var created = r.RequiredDateTime("Created Time", DateFormats);
            var modified = r.OptionalDateTime("Modified Time", DateFormats) ?? created;
            var status = r.Required("Status") switch
            {
                "Completed" => ActivityStatus.Completed,
                "Not Started" or "In Progress" or "Deferred" or "Waiting on someone else" => ActivityStatus.Planned,
                var other => throw new RowRejectedException($"Status '{other}' is not a Zoho task status"),
            };
            // Some tasks were "modified" before they were created: completion is never before creation.
            DateTime? completed = status == ActivityStatus.Completed ? (modified > created ? modified : created) : null;
            return new ActivityRow($"task:{Hash(identity)}", ActivityType.Task, status, ownerByName(r, "Task Owner"), TaskSubjects.Normalize(r.Optional("Subject")),
                null, created, r.OptionalDateTime("Due Date", DateFormats), completed, null, null, null);
        });
        return parsed.DistinctBy(t => t.ExternalId);
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];

    // ---- Writing ----

    /// <summary>Zoho users carry no team or manager: all join one team named after their e-mail domain.</summary>
    private static async Task<Dictionary<string, int>> WriteUsersAsync(ImportSession session, IEnumerable<UserRow> users, CancellationToken ct)
    {
        var list = users.ToList();
        var teams = await session.LoadAsync<Team>(ct);
        var domain = list.Select(u => u.Email.Split('@').Last()).GroupBy(d => d).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? "zoho";
        var team = teams.Upsert("org", () => new Team { Name = "" }, t => t.Name = domain);
        await session.SaveAsync(ct);

        var rows = await session.LoadAsync<User>(ct);
        foreach (var u in list)
        {
            rows.Upsert(u.Id, () => new User { Name = u.Name, Email = u.Email }, x =>
            {
                x.Name = u.Name; // "Last Name" holds the full name in this export
                x.Email = u.Email;
                x.Role = UserRole.Rep;
                x.TeamId = team.Id;
            });
        }
        await session.SaveAsync(ct);
        return rows.ByExternalId.ToDictionary(x => x.Key, x => x.Value.Id, StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, int>> WriteAccountsAsync(ImportSession session, IEnumerable<AccountRow> accounts,
        Dictionary<string, int> userIds, DateTime firstDate, CancellationToken ct)
    {
        var rows = await session.LoadAsync<Account>(ct);
        foreach (var a in accounts)
        {
            rows.Upsert(a.Id, () => new Account { Name = a.Name }, x =>
            {
                x.Name = a.Name;
                x.OwnerId = userIds[a.OwnerId];
                x.Industry = a.Industry;
                // Accounts.csv has no created date: the export's first date, so none looks newer than its deals.
                x.CreatedAt = firstDate;
            });
        }
        await session.SaveAsync(ct);
        return rows.ByExternalId.ToDictionary(x => x.Key, x => x.Value.Id, StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, int>> WriteContactsAsync(ImportSession session, IEnumerable<ContactRow> contacts,
        Dictionary<string, int> userIds, Dictionary<string, int> accountIds, CancellationToken ct)
    {
        var rows = await session.LoadAsync<Contact>(ct);
        foreach (var c in contacts)
        {
            rows.Upsert(c.Id, () => new Contact { Name = c.Name }, x =>
            {
                x.Name = c.Name;
                x.OwnerId = userIds[c.OwnerId];
                x.AccountId = c.AccountId is { } id && accountIds.TryGetValue(id, out var accountId) ? accountId : null;
                x.Email = c.Email;
                x.Phone = c.Phone;
                x.LeadSource = c.Source;
                x.CreatedAt = c.Created;
            });
        }
        await session.SaveAsync(ct);
        return rows.ByExternalId.ToDictionary(x => x.Key, x => x.Value.Id, StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, int>> WriteLeadsAndDealsAsync(ImportSession session, Dictionary<string, LeadRow> leads,
        Dictionary<string, DealRow> deals, Dictionary<string, int> userIds, Dictionary<string, int> accountByName, CancellationToken ct)
    {
        var opportunities = await session.LoadAsync<Opportunity>(ct);
        foreach (var d in deals.Values)
        {
            // Potentials have no id column; each joins 1:1 to the lead it was converted from, so the lead id is its id.
            opportunities.Upsert($"lead:{d.LeadId}", () => new Opportunity { Name = d.Name }, o =>
            {
                var closed = d.Stage is OpportunityStage.ClosedWon or OpportunityStage.ClosedLost;
                o.Name = d.Name;
                o.OwnerId = userIds[d.Owner];
                // The deal's account is the account named like its lead's company, when exactly one account has that name.
                o.AccountId = leads[d.LeadId].Company is { } company && accountByName.TryGetValue(company, out var accountId) ? accountId : null;
                o.Source = d.Source;
                o.Type = d.Type;
                o.Stage = d.Stage;
                o.AmountCents = d.AmountCents;
                o.Currency = "USD";
                o.Probability = d.Probability;
                o.ForecastCategory = d.Stage switch
                {
                    OpportunityStage.ClosedWon => ForecastCategory.Closed,
                    OpportunityStage.ClosedLost => ForecastCategory.Omitted,
                    _ => ForecastCategory.Pipeline,
                };
                o.CreatedAt = d.Created;
                o.ExpectedCloseDate = d.Closing is { } c ? DateOnly.FromDateTime(c) : null;
                o.ClosedAt = closed ? d.Closing ?? d.Created : null;
                // The export has no modified time for deals: their last change is their close, or else their creation.
                o.LastModifiedAt = closed ? d.Closing ?? d.Created : d.Created;
            });
        }
        await session.SaveAsync(ct);

        var rows = await session.LoadAsync<Lead>(ct);
        foreach (var l in leads.Values)
        {
            var deal = deals.GetValueOrDefault(l.Id);
            rows.Upsert(l.Id, () => new Lead { Name = l.Name, Source = l.Source, Status = l.Status }, x =>
            {
                x.Name = l.Name;
                x.Company = l.Company;
                x.Email = l.Email;
                x.Industry = l.Industry;
                x.Source = l.Source;
                x.Status = l.Status;
                x.OwnerId = userIds[l.Owner];
                x.CreatedAt = l.Created;
                // Converted when the export says so; converted at the time its deal was created (or, with no deal, at creation).
                x.ConvertedAt = l.Converted ? deal?.Created ?? l.Created : null;
                x.ConvertedOpportunityId = l.Converted && deal is not null ? opportunities.ByExternalId[$"lead:{l.Id}"].Id : null;
            });
        }
        await session.SaveAsync(ct);
        return rows.ByExternalId.ToDictionary(x => x.Key, x => x.Value.Id, StringComparer.Ordinal);
    }

    private static async Task WriteActivitiesAsync(ImportSession session, List<ActivityRow> activities, Dictionary<string, int> userIds,
        Dictionary<string, int> accountIds, Dictionary<string, int> contactIds, Dictionary<string, int> leadIds, CancellationToken ct)
    {
        static int? Link(Dictionary<string, int> ids, string? id) => id is not null && ids.TryGetValue(id, out var v) ? v : null;
        var rows = await session.LoadAsync<Activity>(ct);
        foreach (var a in activities)
        {
            rows.Upsert(a.ExternalId, () => new Activity(), x =>
            {
                x.Type = a.Type;
                x.Status = a.Status;
                x.OwnerId = userIds[a.OwnerKey];
                x.Subject = a.Subject;
                x.Notes = a.Notes;
                x.CreatedAt = a.Created;
                x.DueAt = a.Due;
                x.CompletedAt = a.Completed;
                x.AccountId = Link(accountIds, a.AccountId);
                x.ContactId = Link(contactIds, a.ContactId);
                x.LeadId = Link(leadIds, a.LeadId);
            });
        }
        await session.SaveAsync(ct);
    }
}
