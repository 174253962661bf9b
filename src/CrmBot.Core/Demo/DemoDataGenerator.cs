using Bogus;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Import;
using CrmBot.Core.Scheduling;

namespace CrmBot.Core.Demo;

/// <param name="Seed">The same seed and date give the same data, row for row.</param>
/// <param name="Today">"Today" in the users' calendar; every date is placed relative to it.</param>
/// <param name="NowUtc">
/// The moment of generation, when generating for the real today: nothing is placed after it. Reps west of the machine
/// may still be on the day before <paramref name="Today"/>: their today is their own. The same seed, date and moment
/// give the same data.
/// </param>
public sealed record DemoOptions(int Seed, DateOnly Today, DemoScale Scale, int FiscalYearStartMonth = 1, DateTime? NowUtc = null);

/// <summary>
/// Generates the demo CRM of the embedded default (design.md section 11): teams with managers, reps, an
/// admin, partners, products, quotas, accounts, deals, leads and activities, placed relative to today so
/// that every rep has something in every report of design.md section 4 (stale deals, neglected customers,
/// won and lost deals this and last quarter and year, leads of every age, planned and completed activities
/// of every type). Rows go to an <see cref="IRowSink"/> rep by rep with explicit ids, so memory stays flat
/// at any scale. All money is USD.
/// </summary>
public sealed class DemoDataGenerator
{
    public const string EmailDomain = "demo.crmbot.example";
    public const string AdminEmail = "admin@" + EmailDomain;

    private const int StaleDays = 14;     // design.md defaults: stale after 14 days,
    private const int NeglectDays = 30;   // neglected after 30 days

    private static readonly (string Region, string TimeZone, string Language)[] Regions =
        [("East", "America/New_York", "en"), ("West", "America/Los_Angeles", "en"), ("Taipei", "Asia/Taipei", "zh-TW")];

    private static readonly (string Name, PartnerKind Kind)[] PartnerNames =
    [
        ("Northwind Resellers", PartnerKind.Reseller), ("Contoso Channel", PartnerKind.Reseller),
        ("Fabrikam Solutions", PartnerKind.Reseller), ("Tailspin Partners", PartnerKind.Reseller),
        ("Wide World Distribution", PartnerKind.Distributor), ("Litware Distribution", PartnerKind.Distributor),
    ];

    private static readonly (string Name, string Family, long PriceDollars)[] ProductList =
    [
        ("Edge Server S1", "Hardware", 12_000), ("Edge Server S2", "Hardware", 24_000), ("Storage Array 50", "Hardware", 38_000),
        ("Analytics Suite", "Software", 9_500), ("Security Suite", "Software", 7_200), ("Platform License", "Software", 15_000),
        ("Implementation", "Services", 6_000), ("Training Day", "Services", 1_800),
        ("Premium Support", "Support", 4_800), ("Standard Support", "Support", 2_400),
    ];

    public static readonly string[] LeadSources = ["Web", "Referral", "Trade Show", "Cold Call", "Partner", "Advertisement", "Webinar", "Email Campaign"];

    public static readonly string[] LeadStatuses = ["New", "Contacted", "Nurturing", "Qualified", "Converted", "Unqualified"];

    /// <summary>Loss reasons with the BANT criterion each failed on.</summary>
    private static readonly (string Reason, BantFlags Bant, string Notes)[] LossReasons =
    [
        ("No budget", BantFlags.Budget, "Budget frozen until next fiscal year."),
        ("Price too high", BantFlags.Budget, "Competitor came in 20% lower."),
        ("No decision maker", BantFlags.Authority, "Champion left; the new VP did not engage."),
        ("No need", BantFlags.Need, "They decided to keep the current system."),
        ("Lost to competitor", BantFlags.Need | BantFlags.Budget, "Chose a bundled offer from a competitor."),
        ("Bad timing", BantFlags.Timeline, "Project postponed by two quarters."),
        ("Went silent", BantFlags.Authority | BantFlags.Timeline, "No reply after the proposal."),
    ];

    private static readonly string[] Industries = ["Technology", "Manufacturing", "Retail", "Healthcare", "Finance", "Education", "Logistics", "Energy"];

    private static readonly string[] NextSteps = ["Send revised proposal", "Book a demo with IT", "Call the CFO", "Schedule contract review", "Run a pilot", "Confirm budget"];

    private static readonly Dictionary<ActivityType, string[]> Subjects = new()
    {
        [ActivityType.Call] = ["Discovery call", "Pricing follow-up", "Check-in call", "Renewal call"],
        [ActivityType.Visit] = ["On-site visit", "Site survey", "Executive visit"],
        [ActivityType.Meeting] = ["Demo meeting", "Quarterly business review", "Negotiation meeting", "Kick-off"],
        [ActivityType.Email] = ["Sent proposal", "Follow-up e-mail", "Sent case study", "Sent quote"],
        [ActivityType.Task] = ["Prepare quote", "Update forecast", "Send contract", "Prepare demo"],
    };

    private readonly DemoOptions _options;
    private readonly Random _random;
    private readonly Random _nudgeRandom;
    private readonly Faker _faker;
    private readonly Faker _fakerZh;
    private readonly DateOnly _today;
    private readonly HashSet<string> _emails = [];
    private readonly Dictionary<Type, int> _nextId = [];
    private List<Product> _products = [];
    private List<Partner> _partners = [];

    public DemoDataGenerator(DemoOptions options)
    {
        _options = options;
        _today = options.Today;
        _random = new Random(options.Seed);
        // Its own sequence: the nudge history is planned before the activities, whose data must not shift with it.
        _nudgeRandom = new Random(options.Seed + 2);
        _faker = new Faker("en") { Random = new Randomizer(options.Seed) };
        _fakerZh = new Faker("zh_TW") { Random = new Randomizer(options.Seed + 1) };
    }

    public void Generate(IRowSink sink)
    {
        _partners = PartnerNames.Select(p => new Partner { Id = NextId<Partner>(), Name = p.Name, Kind = p.Kind }).ToList();
        _products = ProductList.Select(p => new Product { Id = NextId<Product>(), Name = p.Name, Family = p.Family, ListPriceCents = p.PriceDollars * 100 }).ToList();
        _partners.ForEach(sink.Add);
        _products.ForEach(sink.Add);

        var scale = _options.Scale;
        var teamCount = Math.Max(1, (scale.Reps + 6) / 7);
        var teams = Enumerable.Range(0, teamCount).Select(i =>
        {
            var region = Regions[i % Regions.Length];
            var round = i / Regions.Length;
            return (Team: new Team { Id = NextId<Team>(), Name = round == 0 ? $"Team {region.Region}" : $"Team {region.Region} {round + 1}", Region = region.Region }, Region: region);
        }).ToList();

        // Teams and managers point at each other; the sink checks foreign keys at commit, so order does not matter.
        sink.Add(NewUser("Demo Admin", AdminEmail, UserRole.Admin, null, Regions[0].TimeZone, "en"));
        foreach (var (team, region) in teams)
        {
            var manager = NewPerson(UserRole.Manager, team, region);
            team.ManagerId = manager.Id;
            sink.Add(team);
            sink.Add(manager);
        }

        for (var r = 0; r < scale.Reps; r++)
        {
            var (team, region) = teams[r % teamCount];
            var rep = NewPerson(UserRole.Rep, team, region);
            sink.Add(rep);
            new RepBook(this, rep, TimeZoneInfo.FindSystemTimeZoneById(region.TimeZone)).Generate(sink);
        }
    }

    private int NextId<T>() => _nextId[typeof(T)] = _nextId.GetValueOrDefault(typeof(T)) + 1;

    private User NewPerson(UserRole role, Team team, (string Region, string TimeZone, string Language) region)
    {
        var first = _faker.Name.FirstName();
        var last = _faker.Name.LastName();
        // Taipei's people carry their Chinese name; their e-mail follows their English one, as is common there.
        var name = region.Language == "zh-TW" ? _fakerZh.Name.LastName() + _fakerZh.Name.FirstName() : $"{first} {last}";
        var email = PredictableEmail.For($"{first} {last}", EmailDomain);
        for (var n = 2; !_emails.Add(email); n++)
            email = PredictableEmail.For($"{first} {last} {n}", EmailDomain);
        var user = NewUser(name, email, role, team.Id, region.TimeZone, region.Language);
        if (role == UserRole.Rep)
            user.QuarterlyQuotaCents = _random.Next(15, 31) * 10_000_00L;
        return user;
    }

    private User NewUser(string name, string email, UserRole role, int? teamId, string timeZone, string language)
    {
        _emails.Add(email);
        return new User { Id = NextId<User>(), Name = name, Email = email, Role = role, TeamId = teamId, TimeZone = timeZone, Language = language };
    }

    private (int Year, int Quarter) FiscalQuarterOf(DateOnly date)
    {
        var monthsIn = (date.Month - _options.FiscalYearStartMonth + 12) % 12;
        var startYear = date.Month >= _options.FiscalYearStartMonth ? date.Year : date.Year - 1;
        return (startYear, monthsIn / 3 + 1);
    }

    private DateOnly FiscalQuarterStart(int fiscalYear, int quarter) =>
        new DateOnly(fiscalYear, _options.FiscalYearStartMonth, 1).AddMonths((quarter - 1) * 3);

    /// <summary>One rep's accounts, deals, leads and activities, generated together so they tell one consistent story.</summary>
    private sealed class RepBook(DemoDataGenerator g, User rep, TimeZoneInfo zone)
    {
        /// <summary>Rows written later, in the order they were added.</summary>
        private sealed class HeldRows : IRowSink
        {
            private readonly List<Action<IRowSink>> _writes = [];

            public void Add<T>(T row) where T : class => _writes.Add(sink => sink.Add(row));

            public void WriteTo(IRowSink sink) => _writes.ForEach(write => write(sink));
        }

        private sealed record AccountPlan(Account Account, int? QuietDays);
        private sealed record DealPlan(Opportunity Deal, AccountPlan Account, int CreatedAgo, int ClosedAgo, bool MayPlan);

        private readonly Random _r = g._random;
        // "Today" in the rep's zone at the moment of generation: a rep west of the machine may still be on the day before.
        private readonly DateOnly _today = TodayIn(g, zone);
        private readonly List<AccountPlan> _accounts = [];
        private readonly List<DealPlan> _deals = [];
        private readonly List<(Lead Lead, int CreatedAgo)> _workedLeads = [];

        public void Generate(IRowSink sink)
        {
            WriteQuotas(sink);
            WriteAccounts(sink);
            WriteDeals(sink);
            WriteLeads(sink);
            // The nudge history's logged calls are activities too: the scale's count is for both together.
            var nudgeHistory = new HeldRows();
            var total = g._options.Scale.ActivitiesPerRep;
            var logged = WriteNudgeHistory(nudgeHistory, maxActivities: total / 10);
            WriteActivities(sink, total - logged);
            nudgeHistory.WriteTo(sink);
        }

        private static DateOnly TodayIn(DemoDataGenerator g, TimeZoneInfo zone)
        {
            if (g._options.NowUtc is not { } now)
                return g._today;
            var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
            return local < g._today ? local : g._today;
        }

        private int Between(int min, int max) => _r.Next(min, max + 1);

        private T Pick<T>(IReadOnlyList<T> items) => items[_r.Next(items.Count)];

        /// <summary>An instant on the local day <paramref name="daysAgo"/> before today: business hours, or just after midnight for today (so it is already past).</summary>
        private DateTime Ago(int daysAgo)
        {
            var midnight = _today.AddDays(-daysAgo).ToDateTime(TimeOnly.MinValue);
            double minutes = daysAgo == 0 ? _r.Next(0, 60) : _r.Next(8 * 60, 18 * 60);
            if (daysAgo == 0 && g._options.NowUtc is { } now
                && (TimeZoneInfo.ConvertTimeFromUtc(now, zone) - midnight).TotalMinutes is var passed and < 60)
                minutes = minutes * Math.Max(0, passed) / 60; // today's first hour has not all passed: squeeze it, keeping order
            return TimeZoneInfo.ConvertTimeToUtc(midnight.AddMinutes(minutes), zone);
        }

        private DateTime Ahead(int days) =>
            TimeZoneInfo.ConvertTimeToUtc(_today.AddDays(days).ToDateTime(TimeOnly.MinValue).AddMinutes(_r.Next(8 * 60, 18 * 60)), zone);

        private void WriteQuotas(IRowSink sink)
        {
            var (year, _) = g.FiscalQuarterOf(g._today);
            for (var y = year - 1; y <= year + 1; y++)
                for (var q = 1; q <= 4; q++)
                    sink.Add(new Quota { Id = g.NextId<Quota>(), UserId = rep.Id, FiscalYear = y, FiscalQuarter = q, AmountCents = rep.QuarterlyQuotaCents });
        }

        /// <summary>
        /// A fifth of the accounts went quiet over a month ago (neglected, their deals stale), a few two to
        /// four weeks ago (stale deals, not yet neglected), one was never contacted, the rest are busy.
        /// </summary>
        private void WriteAccounts(IRowSink sink)
        {
            var count = g._options.Scale.AccountsPerRep;
            var neglected = Math.Max(1, count / 5);
            var quiet = Math.Max(1, count * 3 / 25);
            for (var i = 0; i < count; i++)
            {
                int? quietDays = i < neglected ? Between(NeglectDays + 5, 120)
                    : i < neglected + quiet ? Between(StaleDays + 1, NeglectDays - 1)
                    : i == neglected + quiet ? null
                    : Between(0, 6);
                var account = new Account
                {
                    Id = g.NextId<Account>(),
                    Name = g._faker.Company.CompanyName(),
                    OwnerId = rep.Id,
                    PartnerId = _r.Next(5) == 0 ? Pick(g._partners).Id : null,
                    Industry = Pick(Industries),
                    Location = g._faker.Address.Country(),
                    Employees = Between(20, 20_000),
                    AnnualRevenue = Between(1, 2_000) * 1_000_000L,
                    CreatedAt = Ago(quietDays is null ? Between(60, 200) : Between(400, 1_200)),
                };
                sink.Add(account);
                _accounts.Add(new AccountPlan(account, quietDays));
            }
        }

        private void WriteDeals(IRowSink sink)
        {
            var total = g._options.Scale.OpportunitiesPerRep;
            var open = Math.Max(14, total * 3 / 10);
            var special = _accounts.Count(a => a.QuietDays is null or > 6);
            var busy = _accounts.Where(a => a.QuietDays is <= 6).ToList();
            for (var j = 0; j < open; j++)
                WriteOpenDeal(sink, j, j < special ? _accounts[j] : Pick(busy));
            for (var k = 0; k < total - open; k++)
                WriteClosedDeal(sink, k);
        }

        private void WriteOpenDeal(IRowSink sink, int index, AccountPlan account)
        {
            // Quiet accounts' deals were last changed before the account went quiet: stale.
            var lastModifiedAgo = account.QuietDays switch
            {
                null => Between(StaleDays + 10, 50),
                > 6 and var q => q + Between(0, 20),
                _ => Between(0, 40),
            };
            var createdAgo = lastModifiedAgo + Between(5, 120);
            // A few deals per rep are due this quarter and well advanced: the forecast has commit and best case.
            var closingThisQuarter = index is >= 9 and < 14;
            var stage = closingThisQuarter ? (index % 2 == 0 ? OpportunityStage.Negotiation : OpportunityStage.Proposal)
                : (OpportunityStage)Between(0, 4);
            var (fy, fq) = g.FiscalQuarterOf(g._today);
            var quarterEnd = g.FiscalQuarterStart(fy, fq).AddMonths(3).AddDays(-1);
            var expected = closingThisQuarter ? g._today.AddDays(Between(0, Math.Max(0, quarterEnd.DayNumber - g._today.DayNumber)))
                : g._today.AddDays(Between(-20, 150));
            var deal = NewDeal(account, stage, createdAgo, expected);
            deal.LastModifiedAt = Ago(lastModifiedAgo);
            deal.NextStep = Pick(NextSteps);
            (deal.Probability, deal.ForecastCategory) = stage switch
            {
                OpportunityStage.Prospecting => (10, ForecastCategory.Pipeline),
                OpportunityStage.Qualification => (20, ForecastCategory.Pipeline),
                OpportunityStage.NeedsAnalysis => (40, ForecastCategory.Pipeline),
                OpportunityStage.Proposal => (60, ForecastCategory.BestCase),
                _ => (80, ForecastCategory.Commit),
            };
            Write(sink, deal, account, createdAgo, lastModifiedAgo);
            // Every third open deal has no planned activity (the action plan lists those).
            _deals.Add(new DealPlan(deal, account, createdAgo, 0, MayPlan: index % 3 != 0 && account.QuietDays is not null));
        }

        private void WriteClosedDeal(IRowSink sink, int index)
        {
            var today = g._today;
            var (fy, fq) = g.FiscalQuarterOf(today);
            var quarterStart = g.FiscalQuarterStart(fy, fq);
            var intoMonth = today.Day - 1;
            var intoQuarter = today.DayNumber - quarterStart.DayNumber;
            var previousQuarterLength = quarterStart.DayNumber - quarterStart.AddMonths(-3).DayNumber;
            var intoYear = today.DayNumber - g.FiscalQuarterStart(fy, 1).DayNumber;
            // The first deals of each rep land in the periods reports ask about; the rest spread over two fiscal years.
            var (won, closedAgo) = index switch
            {
                0 or 1 => (true, Between(0, intoMonth)),
                2 or 3 => (true, Between(0, intoQuarter)),
                4 => (false, Between(0, intoMonth)),
                5 => (false, Between(0, intoQuarter)),
                6 or 7 => (true, Between(intoQuarter + 1, intoQuarter + previousQuarterLength)),
                8 => (false, Between(intoQuarter + 1, intoQuarter + previousQuarterLength)),
                9 or 10 => (true, Between(intoYear + 1, intoYear + 365)),
                11 => (false, Between(intoYear + 1, intoYear + 365)),
                _ => (_r.NextDouble() < 0.6, Between(0, intoYear + 365)),
            };
            var account = Pick(_accounts);
            var createdAgo = closedAgo + Between(10, 150);
            var deal = NewDeal(account, won ? OpportunityStage.ClosedWon : OpportunityStage.ClosedLost, createdAgo, today.AddDays(-closedAgo));
            deal.ClosedAt = Ago(closedAgo);
            deal.LastModifiedAt = deal.ClosedAt.Value;
            (deal.Probability, deal.ForecastCategory) = won ? (100, ForecastCategory.Closed) : (0, ForecastCategory.Omitted);
            if (!won)
            {
                var loss = Pick(LossReasons);
                (deal.LossReason, deal.BantFlags, deal.LossNotes) = (loss.Reason, loss.Bant, loss.Notes);
            }
            Write(sink, deal, account, createdAgo, closedAgo);
            _deals.Add(new DealPlan(deal, account, createdAgo, closedAgo, MayPlan: false));
        }

        /// <summary>
        /// Leads of every source and status; each rep has a brand-new untouched lead, one from this week,
        /// and open leads in every age bucket (0–7, 8–30, 31–90, over 90 days).
        /// </summary>
        private void WriteLeads(IRowSink sink)
        {
            for (var i = 0; i < g._options.Scale.LeadsPerRep; i++)
            {
                var (createdAgo, status) = i switch
                {
                    0 => (0, "New"),
                    1 => (Between(1, 5), "New"),
                    2 => (Between(8, 30), "Contacted"),
                    3 => (Between(31, 90), "Nurturing"),
                    4 => (Between(91, 200), "New"),
                    5 => (Between(g._today.Day, g._today.Day + 27), "Qualified"),
                    _ => (_r.Next(2) == 0 ? Between(0, 60) : Between(61, 400), WeightedStatus()),
                };
                var lead = new Lead
                {
                    Id = g.NextId<Lead>(),
                    Name = g._faker.Name.FullName(),
                    Company = g._faker.Company.CompanyName(),
                    Industry = Pick(Industries),
                    Source = i < LeadSources.Length ? LeadSources[(i + rep.Id) % LeadSources.Length] : Pick(LeadSources),
                    Status = status,
                    OwnerId = rep.Id,
                    CreatedAt = Ago(createdAgo),
                };
                lead.Email = PredictableEmail.For(lead.Name, "example.com");
                if (status == "Converted")
                {
                    var converted = Ago(Math.Max(0, createdAgo - Between(1, 30)));
                    lead.ConvertedAt = converted < lead.CreatedAt ? lead.CreatedAt : converted; // the same day: not before its creation
                    lead.ConvertedOpportunityId = Pick(_deals).Deal.Id;
                }
                sink.Add(lead);
                if (status is not "New")
                    _workedLeads.Add((lead, createdAgo));
            }
        }

        private string WeightedStatus() => _r.Next(100) switch
        {
            < 15 => "New",
            < 35 => "Contacted",
            < 50 => "Nurturing",
            < 65 => "Qualified",
            < 90 => "Converted",
            _ => "Unqualified",
        };

        /// <summary>
        /// Completed activities never touch a quiet account after it went quiet (that is what keeps its deals
        /// stale and the account neglected; only the nudge history's logged calls do, see WriteNudgeHistory); the
        /// never-contacted account gets none. Each rep has every type
        /// completed today and earlier this week, and planned in the next days.
        /// </summary>
        private void WriteActivities(IRowSink sink, int total)
        {
            var types = Enum.GetValues<ActivityType>();
            var busyDeals = _deals.Where(d => d.Account.QuietDays is <= 6 && d.ClosedAgo == 0 && d.MayPlan).ToList();
            var busyAccounts = _accounts.Where(a => a.QuietDays is <= 6).ToList();
            var contacted = _accounts.Where(a => a.QuietDays is not null).ToList();
            var plannable = _deals.Where(d => d.MayPlan).ToList();
            for (var i = 0; i < total; i++)
            {
                var activity = new Activity { Id = g.NextId<Activity>(), OwnerId = rep.Id, Type = i < 3 * types.Length ? types[i % types.Length] : WeightedType() };
                if (i < types.Length)
                    Completed(activity, Pick(busyAccounts), null, 0);
                else if (i < 2 * types.Length)
                    Completed(activity, Pick(busyAccounts), null, Between(1, 6));
                else if (i < 3 * types.Length)
                    Planned(activity, Pick(busyDeals), Between(1, 6));
                else
                {
                    var roll = _r.Next(100);
                    if (roll < 85)
                        CompletedSomewhere(activity, contacted);
                    else if (roll < 97)
                        Planned(activity, Pick(plannable), _r.Next(10) == 0 ? -Between(1, 10) : Between(0, 21));
                    else
                    {
                        CompletedSomewhere(activity, contacted);
                        (activity.Status, activity.CompletedAt) = (ActivityStatus.Cancelled, null);
                    }
                }
                activity.Subject = Pick(Subjects[activity.Type]);
                sink.Add(activity);
            }
        }

        /// <summary>
        /// The last four weeks of morning nudges (design.md section 7), so that `nudge stats` and escalations have a
        /// history: on each working day at 09:00, the ten most neglected of the deals stale and the accounts neglected
        /// on that day, leaving out what was nudged in the three days before or is snoozed. One in eight items was
        /// snoozed for a week. Most of the others were acted on, except on the two most neglected accounts and their
        /// deals (kept neglected and stale for today's reports): the rep logged a call or e-mail on the record within
        /// hours, as the nudge's button does (on the deal and its account, which touches the account's other deals too).
        /// A record acted on is nudged again only once it is stale or neglected again, so the untouched ones fill the
        /// later nudges and about a fifth of all items end acted on. The rest were left (ignored once a day old).
        /// </summary>
        /// <returns>How many activities it logged (at most <paramref name="maxActivities"/>).</returns>
        private int WriteNudgeHistory(IRowSink sink, int maxActivities)
        {
            const int Days = 28, SnoozeDays = 7;
            var random = g._nudgeRandom;
            var activities = 0;
            var rules = new NudgeOptions();   // the defaults: ten items, not again within three days
            // A quiet account's deals were last touched when the account went quiet (see WriteOpenDeal).
            var records = _accounts.Where(a => a.QuietDays > NeglectDays)
                .Select(a => (Reason: NudgeReasons.Neglected, Deal: (Opportunity?)null, Account: a, Threshold: NeglectDays))
                .Concat(_deals.Where(d => !d.Deal.IsClosed && d.Account.QuietDays > StaleDays)
                    .Select(d => (Reason: NudgeReasons.Stale, Deal: (Opportunity?)d.Deal, d.Account, Threshold: StaleDays)))
                .ToList();
            // Record → when it may be nudged again, in UTC as NudgePlanner compares (across a clock change, three days
            // after a Friday 09:00 is not Monday 09:00); account → when a nudge's activity last touched it and its deals.
            var notBefore = new Dictionary<(int?, int), DateTime>();
            var touchedAt = new Dictionary<int, DateTime>();
            // The two most neglected accounts (and their deals) are never acted on, so that today's neglected customers
            // and stale deals are still there: an account acted on in the last four weeks is not neglected (30 days) today.
            var leftAlone = _accounts.Where(a => a.QuietDays > NeglectDays).OrderByDescending(a => a.QuietDays).Take(2)
                .Select(a => a.Account.Id).ToHashSet();
            bool Due((string Reason, Opportunity? Deal, AccountPlan Account, int Threshold) r, int ago, DateTime sentAt) =>
                (touchedAt.TryGetValue(r.Account.Account.Id, out var touched) ? touched < sentAt.AddDays(-r.Threshold) : r.Account.QuietDays - ago > r.Threshold)
                && notBefore.GetValueOrDefault((r.Deal?.Id, r.Account.Account.Id)) <= sentAt;
            for (var ago = Days; ago >= 1; ago--)
            {
                var date = _today.AddDays(-ago);
                if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                    continue;
                var sentAt = TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(new TimeOnly(9, 0)), zone);
                var due = records.Where(r => Due(r, ago, sentAt))
                    .OrderBy(r => touchedAt.TryGetValue(r.Account.Account.Id, out var touched) ? touched : sentAt.AddDays(-(r.Account.QuietDays!.Value - ago)))
                    .ThenBy(r => r.Deal?.Id ?? r.Account.Account.Id).Take(rules.MaxItems).ToList();
                if (due.Count == 0)
                    continue;
                var delivery = new Delivery
                {
                    Id = g.NextId<Delivery>(), Key = NudgeDispatcher.KeyOf(rep.Id, date), Kind = DeliveryKind.Nudge, Platform = ChatPlatform.Teams,
                    RecipientUserId = rep.Id, LocalDate = date, Status = DeliveryStatus.Sent, Attempts = 1, CreatedAt = sentAt, SentAt = sentAt,
                };
                sink.Add(delivery);
                foreach (var record in due)
                {
                    var item = new NudgeItem
                    {
                        Id = g.NextId<NudgeItem>(), DeliveryId = delivery.Id, UserId = rep.Id, OpportunityId = record.Deal?.Id,
                        AccountId = record.Deal is null ? record.Account.Account.Id : null, Reason = record.Reason, NudgedAt = sentAt,
                    };
                    var key = (record.Deal?.Id, record.Account.Account.Id);
                    notBefore[key] = sentAt.AddDays(rules.ReNudgeIntervalDays);
                    var roll = random.Next(24);
                    if (roll < 3)
                    {
                        (item.Outcome, item.OutcomeAt) = (NudgeOutcome.Snoozed, sentAt.AddMinutes(random.Next(5, 241)));
                        // As SnoozeHandler stores it: until the start of that day in the rep's zone.
                        var until = TimeZoneInfo.ConvertTimeToUtc(date.AddDays(SnoozeDays).ToDateTime(TimeOnly.MinValue), zone);
                        sink.Add(new Snooze
                        {
                            Id = g.NextId<Snooze>(), UserId = rep.Id, OpportunityId = item.OpportunityId, AccountId = item.AccountId,
                            Until = until, CreatedAt = item.OutcomeAt.Value,
                        });
                        notBefore[key] = until > notBefore[key] ? until : notBefore[key];
                    }
                    else if (roll < 18 && !leftAlone.Contains(record.Account.Account.Id) && activities < maxActivities)
                    {
                        activities++;
                        // As LogActivityHandler records it: completed now, on the deal and its account.
                        var at = sentAt.AddMinutes(random.Next(10, 301));
                        var type = random.Next(3) == 0 ? ActivityType.Email : ActivityType.Call;
                        sink.Add(new Activity
                        {
                            Id = g.NextId<Activity>(), OwnerId = rep.Id, Type = type, Status = ActivityStatus.Completed,
                            AccountId = record.Account.Account.Id, OpportunityId = record.Deal?.Id,
                            Subject = LoggedSubject(type) + " · " + (record.Deal?.Name ?? record.Account.Account.Name),
                            CreatedAt = at, CompletedAt = at,
                        });
                        (item.Outcome, item.OutcomeAt) = (NudgeOutcome.ActedOn, at);
                        if (!touchedAt.TryGetValue(record.Account.Account.Id, out var before) || before < at)
                            touchedAt[record.Account.Account.Id] = at;   // the account and a deal of it may both be acted on, in any order
                    }
                    sink.Add(item);
                }
            }
            return activities;
        }

        /// <summary>The subject's first word as LogActivityHandler writes it, in the rep's language.</summary>
        private string LoggedSubject(ActivityType type) => (type, Formats.For(rep.Language).IsChinese) switch
        {
            (ActivityType.Call, true) => "通話",
            (ActivityType.Call, false) => "call",
            (_, true) => "郵件",
            _ => "e-mail",
        };

        private ActivityType WeightedType() => _r.Next(100) switch
        {
            < 30 => ActivityType.Call,
            < 60 => ActivityType.Email,
            < 75 => ActivityType.Meeting,
            < 85 => ActivityType.Visit,
            _ => ActivityType.Task,
        };

        /// <summary>A completed activity on a deal (60%), an account (25%) or a worked lead (15%), dated where that target allows.</summary>
        private void CompletedSomewhere(Activity activity, List<AccountPlan> contacted)
        {
            var roll = _r.Next(100);
            if (roll < 15 && _workedLeads.Count > 0)
            {
                var (lead, createdAgo) = Pick(_workedLeads);
                activity.LeadId = lead.Id;
                Completed(activity, null, null, Recent(0, createdAgo));
                return;
            }
            if (roll < 75)
            {
                var deal = Pick(_deals);
                if (deal.Account.QuietDays is { } quiet)
                {
                    var earliest = Math.Max(quiet, deal.ClosedAgo);
                    if (earliest <= deal.CreatedAgo)
                    {
                        Completed(activity, deal.Account, deal.Deal, Recent(earliest, deal.CreatedAgo));
                        return;
                    }
                }
            }
            var account = Pick(contacted);
            Completed(activity, account, null, Recent(account.QuietDays!.Value, account.QuietDays.Value + 365));
        }

        /// <summary>Half the activity falls in the 30 days after <paramref name="min"/> days ago, so recent weeks are busy.</summary>
        private int Recent(int min, int max) => _r.Next(2) == 0 ? Between(min, Math.Min(max, min + 30)) : Between(min, max);

        private void Completed(Activity activity, AccountPlan? account, Opportunity? deal, int daysAgo)
        {
            activity.Status = ActivityStatus.Completed;
            activity.AccountId = account?.Account.Id;
            activity.OpportunityId = deal?.Id;
            var completed = Ago(daysAgo);
            var created = Ago(daysAgo + Between(0, 5));
            activity.CompletedAt = completed;
            activity.DueAt = completed;
            activity.CreatedAt = created > completed ? completed : created; // the same day: not after its completion
        }

        private void Planned(Activity activity, DealPlan deal, int daysAhead)
        {
            activity.Status = ActivityStatus.Planned;
            activity.AccountId = deal.Account.Account.Id;
            activity.OpportunityId = deal.Deal.Id;
            activity.DueAt = daysAhead >= 0 ? Ahead(daysAhead) : Ago(-daysAhead);
            activity.CreatedAt = Ago(Between(0, 10) + Math.Max(0, -daysAhead));
        }

        private Opportunity NewDeal(AccountPlan account, OpportunityStage stage, int createdAgo, DateOnly expectedClose)
        {
            var roll = _r.Next(100);
            return new Opportunity
            {
                Id = g.NextId<Opportunity>(),
                Name = "",
                AccountId = account.Account.Id,
                OwnerId = rep.Id,
                PartnerId = account.Account.PartnerId ?? (_r.Next(100) < 15 ? Pick(g._partners).Id : null),
                Source = Pick(LeadSources),
                Type = roll < 60 ? OpportunityType.NewBusiness : roll < 85 ? OpportunityType.Upsell : OpportunityType.Renewal,
                Stage = stage,
                Currency = "USD",
                CreatedAt = Ago(createdAgo),
                ExpectedCloseDate = expectedClose,
            };
        }

        /// <summary>Writes the deal with its line items (the amount is their sum) and the stage path it took.</summary>
        private void Write(IRowSink sink, Opportunity deal, AccountPlan account, int createdAgo, int lastChangeAgo)
        {
            var products = g._products.OrderBy(_ => _r.Next()).Take(Between(1, 3)).ToList();
            var items = products.Select(p => new OpportunityLineItem
            {
                Id = g.NextId<OpportunityLineItem>(),
                OpportunityId = deal.Id,
                ProductId = p.Id,
                Quantity = p.Family is "Services" or "Support" ? Between(1, 10) : Between(1, 4),
                UnitPriceCents = p.ListPriceCents * (100 - Between(0, 15)) / 100,
            }).ToList();
            deal.AmountCents = items.Sum(i => i.Quantity * i.UnitPriceCents);
            deal.Name = $"{account.Account.Name} – {products[0].Name}";
            sink.Add(deal);
            items.ForEach(sink.Add);

            var lastOpen = deal.Stage switch
            {
                OpportunityStage.ClosedWon => OpportunityStage.Negotiation,
                OpportunityStage.ClosedLost => (OpportunityStage)Between(0, 4),
                var open => open,
            };
            var path = Enumerable.Range(0, (int)lastOpen + 1).Select(s => (OpportunityStage)s).ToList();
            if (deal.IsClosed)
                path.Add(deal.Stage);
            for (var s = 1; s < path.Count; s++)
            {
                var ago = createdAgo - (createdAgo - lastChangeAgo) * s / (path.Count - 1);
                sink.Add(new OpportunityStageChange { Id = g.NextId<OpportunityStageChange>(), OpportunityId = deal.Id, FromStage = path[s - 1], ToStage = path[s], ChangedAt = Ago(ago) });
            }
        }
    }

}
