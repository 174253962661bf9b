using CrmBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Import;

/// <summary>
/// Imports Maven Analytics' "CRM Sales Opportunities" export (../shared/data/maven-crm-sales-opportunities).
/// Every mapping rule and quirk is documented in docs/data-import.md; the short version is in comments here.
/// </summary>
public static class MavenImport
{
    public const string Source = "maven";
    public const string EmailDomain = "maven.example";

    /// <summary>Maven has dates only: stored at 12:00 UTC, a date stays the same calendar date from UTC−11 to UTC+11.</summary>
    private static readonly TimeOnly DateNoon = new(12, 0);

    private static readonly string[] DateFormat = ["yyyy-MM-dd"];

    // Typos listed in the data set's README; fixed so that reports group them with the correct spelling.
    private static readonly Dictionary<string, string> SectorTypos = new(StringComparer.OrdinalIgnoreCase) { ["technolgy"] = "technology" };
    private static readonly Dictionary<string, string> LocationTypos = new(StringComparer.OrdinalIgnoreCase) { ["Philipines"] = "Philippines" };

    private sealed record AgentRow(string Agent, string Manager, string Office);
    private sealed record ProductRow(string Name, string Series, long PriceCents);
    private sealed record AccountRow(string Name, string Sector, int? Employees, decimal? RevenueMillions, string? Location, string? Parent);
    private sealed record DealRow(string Id, string Agent, ProductRow Product, string? Account, OpportunityStage Stage,
        DateOnly? Engaged, DateOnly? Closed, long? CloseValueCents);

    public static async Task<ImportResult> RunAsync(CrmDbContext db, string directory, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new ImportProgress("Reading CSV files", 0, 4));
        var teamsFile = CsvFile.Read(directory, "sales_teams.csv", "sales_agent", "manager", "regional_office");
        var productsFile = CsvFile.Read(directory, "products.csv", "product", "series", "sales_price");
        var accountsFile = CsvFile.Read(directory, "accounts.csv", "account", "sector", "revenue", "employees", "office_location", "subsidiary_of");
        var pipelineFile = CsvFile.Read(directory, "sales_pipeline.csv",
            "opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date", "close_value");
        progress?.Report(new ImportProgress("Reading CSV files", 4, 4));

        var errors = new RowErrors();
        var agents = ParseAgents(teamsFile, errors);
        var products = ParseProducts(productsFile, errors);
        var accounts = ParseAccounts(accountsFile, errors);
        var deals = ParseDeals(pipelineFile, agents, products, accounts, errors);
        if (errors.Any)
            return ImportResult.Failed(errors.Messages);

        var session = new ImportSession(db, Source);
        await ImportSession.RunInTransactionAsync(db, async () =>
        {
            var users = await WriteTeamsAndUsersAsync(session, agents.Values, progress, ct);
            var productRows = await WriteProductsAsync(session, products.Values, ct);
            var accountRows = await WriteAccountsAsync(session, accounts.Values, FirstDate(deals), progress, ct);
            await WriteOpportunitiesAsync(session, deals, users, productRows, accountRows, LastDate(deals), progress, ct);
        }, ct);

        return new ImportResult([], session.Changes, Notes(deals));
    }

    // ---- Parsing: every row checked before anything is written ----

    private static Dictionary<string, AgentRow> ParseAgents(CsvFile file, RowErrors errors)
    {
        var agents = new Dictionary<string, AgentRow>(StringComparer.Ordinal);
        var officeOfManager = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in errors.Parse(file, r => (Row: r, Agent: new AgentRow(r.Required("sales_agent"), r.Required("manager"), r.Required("regional_office")))))
        {
            if (officeOfManager.TryGetValue(row.Agent.Manager, out var office) && office != row.Agent.Office)
                errors.Add(row.Row, $"manager '{row.Agent.Manager}' is in office '{office}' on an earlier row, not '{row.Agent.Office}'");
            else if (!agents.TryAdd(row.Agent.Agent, row.Agent))
                errors.Add(row.Row, $"sales_agent '{row.Agent.Agent}' is listed twice");
            officeOfManager.TryAdd(row.Agent.Manager, row.Agent.Office);
        }
        return agents;
    }

    /// <summary>By a key that ignores spaces and case: the pipeline says "GTXPro" where products.csv says "GTX Pro".</summary>
    private static string ProductKey(string name) => string.Concat(name.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    private static Dictionary<string, ProductRow> ParseProducts(CsvFile file, RowErrors errors)
    {
        var products = new Dictionary<string, ProductRow>(StringComparer.Ordinal);
        foreach (var (row, product) in errors.Parse(file, r => (r, new ProductRow(r.Required("product"), r.Required("series"),
                     r.OptionalMoneyCents("sales_price") ?? throw new RowRejectedException("sales_price is empty")))))
        {
            if (!products.TryAdd(ProductKey(product.Name), product))
                errors.Add(row, $"product '{product.Name}' is listed twice");
        }
        return products;
    }

    private static Dictionary<string, AccountRow> ParseAccounts(CsvFile file, RowErrors errors)
    {
        var accounts = new Dictionary<string, AccountRow>(StringComparer.Ordinal);
        var parsed = errors.Parse(file, r => (Row: r, Account: new AccountRow(
            r.Required("account"),
            Fix(SectorTypos, r.Required("sector")),
            r.OptionalInt("employees"),
            r.OptionalDecimal("revenue"),
            r.Optional("office_location") is { } location ? Fix(LocationTypos, location) : null,
            r.Optional("subsidiary_of")))).ToList();
        foreach (var (row, account) in parsed)
        {
            if (!accounts.TryAdd(account.Name, account))
                errors.Add(row, $"account '{account.Name}' is listed twice");
        }
        foreach (var (row, account) in parsed)
        {
            if (account.Parent is { } parent && !accounts.ContainsKey(parent))
                errors.Add(row, $"subsidiary_of '{parent}' is not an account in {file.Name}");
        }
        return accounts;
    }

    private static string Fix(Dictionary<string, string> typos, string value) => typos.GetValueOrDefault(value, value);

    private static List<DealRow> ParseDeals(CsvFile file, Dictionary<string, AgentRow> agents, Dictionary<string, ProductRow> products,
        Dictionary<string, AccountRow> accounts, RowErrors errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var deals = errors.Parse(file, r =>
        {
            var id = r.Required("opportunity_id");
            if (!ids.Add(id))
                throw new RowRejectedException($"opportunity_id '{id}' is listed twice");
            var agent = r.Required("sales_agent");
            if (!agents.ContainsKey(agent))
                throw new RowRejectedException($"sales_agent '{agent}' is not in sales_teams.csv");
            var productName = r.Required("product");
            if (!products.TryGetValue(ProductKey(productName), out var product))
                throw new RowRejectedException($"product '{productName}' is not in products.csv");
            var account = r.Optional("account");
            if (account is not null && !accounts.ContainsKey(account))
                throw new RowRejectedException($"account '{account}' is not in accounts.csv");
            var stage = r.Required("deal_stage") switch
            {
                "Prospecting" => OpportunityStage.Prospecting,
                // Engaging = the rep is in conversation with the buyer: our first stage after prospecting.
                "Engaging" => OpportunityStage.Qualification,
                "Won" => OpportunityStage.ClosedWon,
                "Lost" => OpportunityStage.ClosedLost,
                var other => throw new RowRejectedException($"deal_stage '{other}' is not Prospecting, Engaging, Won or Lost"),
            };
            var engaged = Date(r.OptionalDateTime("engage_date", DateFormat));
            var closed = Date(r.OptionalDateTime("close_date", DateFormat));
            var value = r.OptionalMoneyCents("close_value");
            if (stage is OpportunityStage.ClosedWon or OpportunityStage.ClosedLost && closed is null)
                throw new RowRejectedException($"a {r.Required("deal_stage")} deal needs a close_date");
            if (stage == OpportunityStage.ClosedWon && value is not > 0)
                throw new RowRejectedException("a Won deal needs a close_value above 0");
            return new DealRow(id, agent, product, account, stage, engaged, closed, value);
        });
        return deals;
    }

    private static DateOnly? Date(DateTime? value) => value is { } v ? DateOnly.FromDateTime(v) : null;

    private static DateOnly FirstDate(List<DealRow> deals) =>
        deals.SelectMany(d => new[] { d.Engaged, d.Closed }).Where(d => d is not null).DefaultIfEmpty(new DateOnly(2000, 1, 1)).Min()!.Value;

    /// <summary>The export's "as of" date: its last engage or close date (Maven has no created or modified dates).</summary>
    private static DateOnly LastDate(List<DealRow> deals) =>
        deals.SelectMany(d => new[] { d.Engaged, d.Closed }).Where(d => d is not null).DefaultIfEmpty(new DateOnly(2000, 1, 1)).Max()!.Value;

    private static DateTime AtNoonUtc(DateOnly date) => date.ToDateTime(DateNoon, DateTimeKind.Utc);

    // ---- Writing ----

    /// <summary>One team per manager, named "&lt;office&gt; – &lt;manager&gt;"; managers are users with role Manager in their own team.</summary>
    private static async Task<Dictionary<string, User>> WriteTeamsAndUsersAsync(ImportSession session, IEnumerable<AgentRow> agents,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var agentList = agents.ToList();
        progress?.Report(new ImportProgress("Teams and users", 0, agentList.Count));
        var teams = await session.LoadAsync<Team>(ct);
        var users = await session.LoadAsync<User>(ct);

        var managers = agentList.GroupBy(a => a.Manager).Select(g => (Manager: g.Key, g.First().Office)).ToList();
        foreach (var (manager, office) in managers)
            teams.Upsert(manager, () => new Team { Name = "" }, t => { t.Name = $"{office} – {manager}"; t.Region = office; });
        await session.SaveAsync(ct);

        var byName = new Dictionary<string, User>(StringComparer.Ordinal);
        foreach (var (manager, _) in managers)
            byName[manager] = UpsertUser(users, manager, UserRole.Manager, teams.ByExternalId[manager].Id);
        foreach (var agent in agentList)
            byName[agent.Agent] = UpsertUser(users, agent.Agent, UserRole.Rep, teams.ByExternalId[agent.Manager].Id);
        await session.SaveAsync(ct);

        foreach (var (manager, _) in managers)
            teams.ByExternalId[manager].ManagerId = byName[manager].Id;
        await session.SaveAsync(ct);
        progress?.Report(new ImportProgress("Teams and users", agentList.Count, agentList.Count));
        return byName;
    }

    private static User UpsertUser(ImportedRows<User> users, string name, UserRole role, int teamId) =>
        users.Upsert(name, () => new User { Name = name, Email = "" }, u =>
        {
            u.Name = name;
            u.Email = PredictableEmail.For(name, EmailDomain);
            u.Role = role;
            u.TeamId = teamId;
            // UTC users: a Maven date is the same calendar date for them as in the export.
            u.TimeZone = "UTC";
        });

    private static async Task<Dictionary<string, Product>> WriteProductsAsync(ImportSession session, IEnumerable<ProductRow> products, CancellationToken ct)
    {
        var rows = await session.LoadAsync<Product>(ct);
        var byKey = new Dictionary<string, Product>(StringComparer.Ordinal);
        foreach (var p in products)
        {
            byKey[ProductKey(p.Name)] = rows.Upsert(p.Name, () => new Product { Name = p.Name, Family = p.Series }, x =>
            {
                x.Name = p.Name;
                x.Family = p.Series;
                x.ListPriceCents = p.PriceCents;
                x.Currency = "USD";
            });
        }
        await session.SaveAsync(ct);
        return byKey;
    }

    /// <summary>Accounts have no created date in Maven: they get the export's first date, so none looks newer than its deals.</summary>
    private static async Task<Dictionary<string, Account>> WriteAccountsAsync(ImportSession session, IEnumerable<AccountRow> accounts,
        DateOnly firstDate, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var list = accounts.ToList();
        progress?.Report(new ImportProgress("Accounts and products", 0, list.Count));
        var rows = await session.LoadAsync<Account>(ct);
        foreach (var a in list)
        {
            rows.Upsert(a.Name, () => new Account { Name = a.Name }, x =>
            {
                x.Name = a.Name;
                x.Industry = a.Sector;
                x.Employees = a.Employees;
                x.AnnualRevenue = a.RevenueMillions is { } m ? (long)Math.Round(m * 1_000_000m) : null;
                x.Location = a.Location;
                x.CreatedAt = AtNoonUtc(firstDate);
            });
        }
        await session.SaveAsync(ct);
        // Parents need ids, so they are linked once every account has one.
        foreach (var a in list)
            rows.ByExternalId[a.Name].ParentAccountId = a.Parent is { } parent ? rows.ByExternalId[parent].Id : null;
        await session.SaveAsync(ct);
        progress?.Report(new ImportProgress("Accounts and products", list.Count, list.Count));
        return rows.ByExternalId.ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
    }

    private static async Task WriteOpportunitiesAsync(ImportSession session, List<DealRow> deals, Dictionary<string, User> users,
        Dictionary<string, Product> products, Dictionary<string, Account> accounts, DateOnly asOf, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var rows = await session.LoadAsync<Opportunity>(ct, q => q.Include(o => o.LineItems));
        var done = 0;
        foreach (var deal in deals)
        {
            var product = products[ProductKey(deal.Product.Name)];
            // Won deals carry their revenue; Maven gives open and lost deals no value (lost = 0 revenue),
            // so their deal value is the product's list price (one unit), which is what the buyer was quoted.
            var amount = deal.Stage == OpportunityStage.ClosedWon ? deal.CloseValueCents!.Value : product.ListPriceCents;
            var created = AtNoonUtc(deal.Engaged ?? asOf);
            DateTime? closed = deal.Closed is { } c && deal.Stage is OpportunityStage.ClosedWon or OpportunityStage.ClosedLost ? AtNoonUtc(c) : null;
            var opportunity = rows.Upsert(deal.Id, () => new Opportunity { Name = "" }, o =>
            {
                o.Name = deal.Account is null ? $"{product.Name} – {deal.Id}" : $"{deal.Account} – {product.Name}";
                o.AccountId = deal.Account is null ? null : accounts[deal.Account].Id;
                o.OwnerId = users[deal.Agent].Id;
                o.Type = OpportunityType.NewBusiness;
                o.Stage = deal.Stage;
                o.AmountCents = amount;
                o.Currency = "USD";
                (o.Probability, o.ForecastCategory) = deal.Stage switch
                {
                    OpportunityStage.Prospecting => (10, ForecastCategory.Pipeline),
                    OpportunityStage.Qualification => (20, ForecastCategory.Pipeline),
                    OpportunityStage.ClosedWon => (100, ForecastCategory.Closed),
                    _ => (0, ForecastCategory.Omitted),
                };
                o.CreatedAt = created;
                o.ExpectedCloseDate = deal.Closed;
                o.ClosedAt = closed;
                o.LastModifiedAt = closed ?? created;
            });
            SetSingleLineItem(opportunity, product.Id, amount);
            if (++done % 1000 == 0)
                progress?.Report(new ImportProgress("Opportunities", done, deals.Count));
        }
        await session.SaveAsync(ct);
        progress?.Report(new ImportProgress("Opportunities", deals.Count, deals.Count));
    }

    /// <summary>A Maven deal is one product: exactly one line item, quantity 1, at the deal's amount.</summary>
    private static void SetSingleLineItem(Opportunity opportunity, int productId, long amountCents)
    {
        if (opportunity.LineItems.Count == 0)
            opportunity.LineItems.Add(new OpportunityLineItem());
        var item = opportunity.LineItems[0];
        item.ProductId = productId;
        item.Quantity = 1;
        item.UnitPriceCents = amountCents;
        opportunity.LineItems.RemoveRange(1, opportunity.LineItems.Count - 1);
    }

    private static List<string> Notes(List<DealRow> deals) =>
    [
        $"{deals.Count(d => d.Account is null):N0} open deals have no account (kept without one).",
        $"{deals.Count(d => d.Stage != OpportunityStage.ClosedWon):N0} open or lost deals are valued at their product's list price.",
        $"{deals.Count(d => d.Engaged is null):N0} deals without engage_date are dated at the export's last date.",
    ];
}
