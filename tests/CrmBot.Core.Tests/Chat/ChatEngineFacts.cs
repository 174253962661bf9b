using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Tests.Chat;

public sealed class ChatEngineFacts : IDisposable
{
    private readonly ChatTestWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task HandleText_RunsTheParsedReport_WhenTheRunnerAnswers()
    {
        var reply = await _world.SayAsync(_world.RepRex(), "my stale deals over 30 days");

        Assert.Equal(ReplyKind.Report, reply.Kind);
        Assert.Equal("Stale deals", reply.Report?.Title);
        var (request, _) = Assert.Single(_world.Runner.Calls);
        Assert.Equal(new ReportRequest(ReportKind.StaleDeals) { Subject = SubjectSpec.Me, ThresholdDays = 30 }, request);
    }

    [Fact]
    public async Task HandleText_AnswersPrivately_WhenPersonalRecordsAreAskedForInAChannel()
    {
        _world.Runner.Outcome = FakeReportRunner.Answer(personal: true);
        Assert.Equal(Visibility.Private, (await _world.SayAsync(_world.RepRex(), "my stale deals", ChatTestWorld.Channel)).Visibility);
        Assert.Equal(Visibility.Conversation, (await _world.SayAsync(_world.RepRex(), "my stale deals", ChatTestWorld.Dm)).Visibility);

        _world.Runner.Outcome = FakeReportRunner.Answer(personal: false);
        Assert.Equal(Visibility.Conversation, (await _world.SayAsync(_world.RepRex(), "team leaderboard", ChatTestWorld.Channel)).Visibility);
    }

    [Fact]
    public async Task HandleText_RepliesInChinese_WhenTheMessageIsChineseAndTheSettingIsEnglish()
    {
        _world.Runner.Outcome = new SubjectNotFound("王小明");
        var reply = await _world.SayAsync(_world.RepRex("en"), "王小明的停滯商機");

        Assert.Equal("zh-TW", reply.Language);
        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.Contains("找不到", reply.Text);
        Assert.Equal("zh-TW", _world.Runner.Calls[0].Asker.Language);
    }

    [Theory]
    [InlineData("lost deals 2026-02-30", "I can't read “2026-02-30” as a period.")]
    [InlineData("stale deals over 9999 days", "I can't use “over 9999 days”: the number of days must be between 0 and 3650")]
    [InlineData("停滯商機超過9999天", "無法使用「超過9999天」：天數須介於 0 到 3650 之間")]
    [InlineData("lost deals last 5000 days", "I can't use “last 5000 days”: the last N days go back from 1 to 3650 days")]
    [InlineData("最近5000天失去的機會", "無法使用「最近5000天」：最近 N 天的天數須介於 1 到 3650 之間")]
    [InlineData("lost deals for 王小明 2026-02-30", "I can't read “2026-02-30” as a period.")]
    [InlineData("nudge stats 2026-02-30", "I can't read “2026-02-30” as a period.")]
    [InlineData("stale deals page 0", "I can't use “page 0”: pages are numbered from 1 to 100,000, as in `stale deals page 2`.")]
    [InlineData("停滯商機第0頁", "無法使用「第0頁」：頁碼須介於 1 到 100,000 之間，例如「停滯商機第2頁」。")]
    [InlineData("lost deals 2017 Q3 last month", "I answer for one period at a time, and “last month” is a second one.")]
    [InlineData("win rate last 500 months", "I can't use “last 500 months”: the last N months go back from 1 to 120 months")]
    [InlineData("最近500個月贏率", "無法使用「最近500個月」：最近 N 個月的月數須介於 1 到 120 之間")]
    [InlineData("snooze Acme 400 days", "I can't snooze for “400 days”: a snooze lasts 1 to 366 days")]
    [InlineData("延後 Acme 400天", "無法延後「400天」：延後期間須介於 1 到 366 天")]
    public async Task HandleText_SaysAValueCannotBeUsed_InsteadOfAnsweringForTheDefault(string text, string says)
    {
        var reply = await _world.SayAsync(_world.RepRex(), text);

        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.StartsWith(says, reply.Text);
        Assert.Empty(_world.Runner.Calls);   // no report was run for another period or threshold
    }

    [Theory]
    [InlineData("neglected customers over 99999 days", "neglected customers over 60 days", ReportKind.NeglectedCustomers)]
    [InlineData("被忽略的客戶超過99999天", "被忽略的客戶超過60天", ReportKind.NeglectedCustomers)]
    [InlineData("stale deals over 99999 days", "stale deals over 30 days", ReportKind.StaleDeals)]
    [InlineData("停滯商機超過99999天", "停滯商機超過30天", ReportKind.StaleDeals)]
    public async Task HandleText_GivesAThresholdExampleOfTheReportAsked_ThatIsAnswered(string text, string example, ReportKind report)
    {
        var reply = await _world.SayAsync(_world.RepRex(), text);

        Assert.Contains(example, reply.Text);
        // The example itself is a question the bot answers, with that report.
        await _world.SayAsync(_world.RepRex(), example);
        Assert.Equal(report, Assert.Single(_world.Runner.Calls).Request.Kind);
    }

    [Fact]
    public async Task HandleText_SaysWhichBreakdownsAReportShows_RatherThanAnswerWithoutTheOneAsked()
    {
        _world.Runner.Outcome = new BreakdownNotShown(ReportKind.Pipeline, Breakdown.Source, [Breakdown.Stage, Breakdown.Owner, Breakdown.Partner]);
        var reply = await _world.SayAsync(_world.RepRex(), "pipeline by source");

        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.Equal("This report can't be broken down by source; it can be broken down by stage, owner or partner.", reply.Text);
        Assert.Equal(Breakdown.Source, Assert.Single(_world.Runner.Calls).Request.Breakdown);
    }

    [Fact]
    public async Task HandleText_SaysAPeriodHasNotStarted_RatherThanShowAnEmptyReport()
    {
        _world.Runner.Outcome = new PeriodNotStarted("since Jan 1, 2030");
        var reply = await _world.SayAsync(_world.RepRex(), "lost deals since 2030-01-01");

        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.StartsWith("“since Jan 1, 2030” starts after today", reply.Text);
    }

    [Theory]
    [InlineData("plan for team North", "An action plan is for one person. Name a rep, as in `plan for <name>`, or ask `my plan`.")]
    [InlineData("團隊行動計畫", "行動計畫只針對一個人。請指定一位業務，例如「<姓名>的行動計畫」，或輸入「我的行動計畫」。")]
    public async Task HandleText_AsksForOnePerson_WhenAPlanIsForATeam(string text, string says)
    {
        _world.Runner.Outcome = new SubjectNotAPerson();

        var reply = await _world.SayAsync(_world.ManagerMia, text);

        Assert.Equal((ReplyKind.Error, says), (reply.Kind, reply.Text));
    }

    [Theory]
    [InlineData("forecast for team North", "North", SubjectKind.Team, "I couldn't find a team called “North”.")]
    [InlineData("台北團隊業務預測", "台北", SubjectKind.Team, "找不到名為「台北」的團隊。")]
    // A Slack mention is a user id: it is not echoed as if it were a name.
    [InlineData("stale deals for <@U0XYZ>", "U0XYZ", SubjectKind.Mention, "I couldn't find the person you mentioned among the CRM's users.")]
    public async Task HandleText_SaysWhatWasNotFound_AsATeamOrTheMentionedPerson(string text, string name, SubjectKind kind, string says)
    {
        _world.Runner.Outcome = new SubjectNotFound(name, kind);

        var reply = await _world.SayAsync(_world.ManagerMia, text);

        Assert.Equal((ReplyKind.Error, says), (reply.Kind, reply.Text));
    }

    [Fact]
    public async Task HandleText_UsesTheUsersLanguage_WhenTheWordsDoNotTell()
    {
        var reply = await _world.SayAsync(_world.RepRex("zh-TW"), "12345");
        Assert.Equal("zh-TW", reply.Language);
        Assert.Equal(ReplyKind.Help, reply.Kind);
    }

    [Fact]
    public async Task HandleText_PassesTheRefusalOn_WhenTheSubjectIsOutOfScope()
    {
        _world.Runner.Outcome = new ReportRefused("You can only see your own deals.");
        var reply = await _world.SayAsync(_world.RepRex(), "stale deals for Ola");
        Assert.Equal(ReplyKind.Refusal, reply.Kind);
        Assert.Equal("You can only see your own deals.", reply.Text);
    }

    [Fact]
    public async Task HandleText_AsksWhichOne_WhenTheNameMatchesTwoReps()
    {
        _world.Runner.Outcome = new SubjectAmbiguous("dar", [new RecordRef(RecordKind.User, 7, "Darcel Schlecht"), new RecordRef(RecordKind.User, 8, "Darius Dar")]);
        var reply = await _world.SayAsync(_world.ManagerMia, "lost deals for dar last quarter");

        Assert.Equal(ReplyKind.Choice, reply.Kind);
        Assert.Equal(["Darcel Schlecht", "Darius Dar"], reply.Buttons.Select(b => b.Label));
        Assert.All(reply.Buttons, b => Assert.Equal(CardVerbs.Run, b.Verb));

        // Pressing a button re-runs the same question about exactly that person.
        _world.Runner.Outcome = FakeReportRunner.Answer(personal: false);
        await _world.PressAsync(_world.ManagerMia, CardVerbs.Run, new Dictionary<string, string>(reply.Buttons[1].Data));
        Assert.Equal(
            new ReportRequest(ReportKind.LostDeals) { Period = PeriodSpec.Of(PeriodKind.LastQuarter), Subject = SubjectSpec.User("Darius Dar") },
            _world.Runner.Calls[^1].Request);
    }

    [Fact]
    public async Task HandleAction_RunsTheNextPage_WhenPagePressed()
    {
        var next = new ReportRequest(ReportKind.Pipeline) { Offset = 10, Breakdown = Breakdown.Partner };
        var reply = await _world.PressAsync(_world.RepRex(), CardVerbs.Page, new() { ["request"] = ReportRequestJson.Serialize(next) });
        Assert.Equal(ReplyKind.Report, reply.Kind);
        Assert.Equal(next, _world.Runner.Calls[0].Request);
    }

    [Fact]
    public async Task HandleAction_PagesOnInTheLanguageOfTheQuestion_NotTheUsersSetting()
    {
        // A question asked in Chinese by a user whose setting is English paged on in English.
        var asked = await _world.SayAsync(_world.RepRex("en"), "我的停滯商機");
        var more = ReplyButtons.ShowMore(new ReportRequest(ReportKind.StaleDeals) { Offset = 10 }, asked.Language);

        var page = await _world.PressAsync(_world.RepRex("en"), more.Verb, new Dictionary<string, string>(more.Data));

        Assert.Equal(("zh-TW", "zh-TW"), (page.Language, _world.Runner.Calls[^1].Asker.Language));
    }

    /// <summary>
    /// A "run" button runs its command inside the button's own turn: with one slot (Chat:MaxConcurrentTurns)
    /// held by that turn, waiting for a second would wait for ever.
    /// </summary>
    [Fact]
    public async Task HandleAction_RunsTheButtonsCommand_WhenTheButtonsTurnHoldsTheOnlySlot()
    {
        using var world = new ChatTestWorld(new Dictionary<string, string?> { ["Chat:MaxConcurrentTurns"] = "1" });

        var press = world.PressAsync(world.RepRex(), CardVerbs.Run, new() { ["command"] = "my stale deals" });

        Assert.Same(press, await Task.WhenAny(press, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(ReplyKind.Report, (await press).Kind);
    }

    [Fact]
    public async Task HandleAction_ExplainsPolitely_WhenThePayloadIsGarbage()
    {
        var page = await _world.PressAsync(_world.RepRex(), CardVerbs.Page, new() { ["request"] = "{not json" });
        var unknownVerb = await _world.PressAsync(_world.RepRex(), "deleteEverything", new());
        Assert.Equal(ReplyKind.Error, page.Kind);
        Assert.Equal(ReplyKind.Error, unknownVerb.Kind);
        Assert.Empty(_world.Runner.Calls);
    }

    [Fact]
    public async Task HandleText_ListsOnlyCommandsTheAskerMayRun_WhenAskedForHelp()
    {
        var rep = await _world.SayAsync(_world.RepRex(), "help");
        var manager = await _world.SayAsync(_world.ManagerMia, "help");

        Assert.Contains(rep.Help, h => h.Command == "Forecast");   // their own quarter, as they may ask it
        Assert.DoesNotContain(rep.Help, h => h.Command == "Nudge statistics");
        Assert.DoesNotContain(rep.Help, h => h.Command == "Scheduled posts");
        Assert.Contains(manager.Help, h => h.Command == "Forecast");
        Assert.Contains(rep.Help, h => h.Command == "Stale deals");
    }

    [Fact]
    public async Task HandleText_ExplainsOneCommand_WhenHelpNamesATopic()
    {
        var reply = await _world.SayAsync(_world.RepRex(), "help snooze");
        var entry = Assert.Single(reply.Help);
        Assert.Equal("Snooze a reminder", entry.Command);
        Assert.NotEmpty(entry.Examples);
        Assert.Equal(("Help: Snooze a reminder", null), (reply.Title, reply.Text));   // the description once, in the entry

        // A command the asker may not run: whom it is for, by its name (not its key), then what they can run.
        var hidden = await _world.SayAsync(_world.RepRex(), "help nudge stats");
        Assert.True(hidden.Help.Count > 1);
        Assert.DoesNotContain(hidden.Help, h => h.Command == "Nudge statistics");
        Assert.Equal("“Nudge statistics” is for managers and admins. Here is what you can do:", hidden.Text);
        var hiddenZh = await _world.SayAsync(_world.RepRex(), "說明 提醒統計");
        Assert.Equal("「提醒統計」僅供主管與管理員使用。以下是您可以做的事：", hiddenZh.Text);
        var unknown = await _world.SayAsync(_world.RepRex(), "help teleport");
        Assert.Equal("I have no help on “teleport”. Here is what I can do:", unknown.Text);
    }

    [Fact]
    public async Task HandleText_SuggestsThreeCommandsAsButtons_WhenTheWordsAreUnknown()
    {
        var reply = await _world.SayAsync(_world.RepRex(), "xyzzy plugh");
        Assert.Equal(ReplyKind.Help, reply.Kind);
        Assert.Equal(3, reply.Buttons.Count);
        Assert.All(reply.Buttons, b => Assert.Equal(CardVerbs.Run, b.Verb));
        Assert.Contains(reply.Buttons, b => b.Data["command"] == "pipeline");
    }

    // Several matches: a short note rides in each choice button; one too long for buttons (Slack: 2,000 characters a
    // value) is left out of them and given back, and nothing is written yet.
    [Fact]
    public async Task HandleText_NamesTheMatchesAndGivesALongNoteBack_WhenItCannotRideInButtons()
    {
        var shortNote = await _world.SayAsync(_world.RepRex(), "log call with acm: talked pricing");
        var longText = string.Join(" ", Enumerable.Repeat("talked pricing with the champion;", 40));
        var longNote = await _world.SayAsync(_world.RepRex(), "log call with acm: " + longText);

        Assert.Equal(ReplyKind.Choice, shortNote.Kind);
        Assert.Equal(3, shortNote.Buttons.Count);
        Assert.All(shortNote.Buttons, b => Assert.Equal("talked pricing", b.Data["notes"]));
        Assert.True(longText.Length > RecordScope.MaxCarriedInButtons);
        Assert.Equal(ReplyKind.Choice, longNote.Kind);
        Assert.Equal(shortNote.Buttons.Select(b => b.Label), longNote.Buttons.Select(b => b.Label));
        Assert.All(longNote.Buttons, b => Assert.False(b.Data.ContainsKey("notes")));
        Assert.Contains(longText, longNote.Text);
        using var db = _world.Database.NewContext();
        Assert.Empty(await db.Activities.ToListAsync());
    }

    [Fact]
    public async Task HandleText_WritesACompletedActivity_WhenACallIsLoggedOnAnOwnDeal()
    {
        var reply = await _world.SayAsync(_world.RepRex(), "log call with acme renewal: talked pricing");

        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        using var db = _world.Database.NewContext();
        var activity = await db.Activities.SingleAsync();
        Assert.Equal(ActivityType.Call, activity.Type);
        Assert.Equal(ActivityStatus.Completed, activity.Status);
        Assert.Equal(_world.Rex, activity.OwnerId);
        Assert.Equal(_world.AcmeRenewal, activity.OpportunityId);
        Assert.Equal(_world.Acme, activity.AccountId);
        Assert.Equal("talked pricing", activity.Notes);
        Assert.Equal(ChatTestWorld.Now.UtcDateTime, activity.CompletedAt);
    }

    /// <summary>The leads report gives a lead's owner Log call / Log email: the call lands on the lead, for its owner only.</summary>
    [Fact]
    public async Task HandleAction_LogsACallOnTheAskersOwnLead_AndRefusesSomeoneElses()
    {
        int rexLead, olaLead;
        using (var db = _world.Database.NewTrackingContext())
        {
            var mine = new Lead { Name = "Initech lead", Source = "Web", Status = "Not Contacted", OwnerId = _world.Rex };
            var theirs = new Lead { Name = "Umbrella lead", Source = "Web", Status = "Not Contacted", OwnerId = _world.Ola };
            db.Leads.AddRange(mine, theirs);
            db.SaveChanges();
            (rexLead, olaLead) = (mine.Id, theirs.Id);
        }

        var logged = await _world.PressAsync(_world.RepRex(), CardVerbs.LogActivity,
            new() { ["type"] = "call", ["leadId"] = rexLead.ToString(), ["notes"] = "left a voicemail" });
        var refused = await _world.PressAsync(_world.RepRex(), CardVerbs.LogActivity,
            new() { ["type"] = "call", ["leadId"] = olaLead.ToString(), ["notes"] = "sneaky" });
        var snoozed = await _world.PressAsync(_world.RepRex(), CardVerbs.Snooze, new() { ["leadId"] = rexLead.ToString(), ["days"] = "7" });

        Assert.Equal((ReplyKind.Confirmation, ReplyKind.Refusal, ReplyKind.Refusal), (logged.Kind, refused.Kind, snoozed.Kind));
        using var check = _world.Database.NewContext();
        var activity = await check.Activities.SingleAsync();
        Assert.Equal((rexLead, (int?)null, (int?)null, _world.Rex, "left a voicemail"),
            (activity.LeadId!.Value, activity.OpportunityId, activity.AccountId, activity.OwnerId, activity.Notes));
        Assert.Empty(await check.Snoozes.ToListAsync());
    }

    [Fact]
    public async Task HandleText_AsksWhichRecord_WhenTheNameMatchesSeveral()
    {
        var several = await _world.SayAsync(_world.RepRex(), "log email with acm");
        Assert.Equal(ReplyKind.Choice, several.Kind);
        // The account and its two open deals; the lost deal is not offered, nor is anything of Ola's.
        Assert.Equal(["Acme", "Acme renewal", "Acme upsell"], several.Buttons.Select(b => b.Label));
        Assert.All(several.Buttons, b => Assert.Equal(CardVerbs.LogActivity, b.Verb));
        using var db = _world.Database.NewContext();
        Assert.Equal(0, await db.Activities.CountAsync());
    }

    [Fact]
    public async Task HandleAction_RefusesAndWritesNothing_WhenARepLogsOnSomeoneElsesDeal()
    {
        var reply = await _world.PressAsync(_world.RepRex(), CardVerbs.LogActivity,
            new() { ["type"] = "call", ["opportunityId"] = _world.GlobexExpansion.ToString(), ["notes"] = "forged" });

        Assert.Equal(ReplyKind.Refusal, reply.Kind);
        using var db = _world.Database.NewContext();
        Assert.Equal(0, await db.Activities.CountAsync());
    }

    [Fact]
    public async Task HandleAction_LetsAManagerLog_OnlyWithinTheirTeam()
    {
        var own = await _world.PressAsync(_world.ManagerMia, CardVerbs.LogActivity, new() { ["type"] = "email", ["accountId"] = _world.Acme.ToString() });
        var other = await _world.PressAsync(_world.ManagerMia, CardVerbs.LogActivity, new() { ["type"] = "email", ["accountId"] = _world.Globex.ToString() });

        Assert.Equal(ReplyKind.Confirmation, own.Kind);
        Assert.Equal(ReplyKind.Refusal, other.Kind);
        using var db = _world.Database.NewContext();
        var activity = await db.Activities.SingleAsync();
        Assert.Equal(_world.Acme, activity.AccountId);
        Assert.Equal(ActivityType.Email, activity.Type);
    }

    [Fact]
    public async Task HandleText_WritesASnoozeUntilLocalMidnight_WhenADealIsSnoozedForDays()
    {
        var reply = await _world.SayAsync(_world.RepRex(), "snooze Acme renewal 7 days because champion on holiday");

        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        Assert.Contains("Oct 7, 2017", reply.Text);
        using var db = _world.Database.NewContext();
        var snooze = await db.Snoozes.SingleAsync();
        Assert.Equal(_world.AcmeRenewal, snooze.OpportunityId);
        Assert.Equal(_world.Rex, snooze.UserId);
        Assert.Equal("champion on holiday", snooze.Reason);
        // Rex is in Taipei (UTC+8): 2017-09-30 18:00 there; seven days on is 2017-10-07 00:00 Taipei = 10-06 16:00 UTC.
        Assert.Equal(new DateTime(2017, 10, 6, 16, 0, 0), snooze.Until);
    }

    [Fact]
    public async Task HandleText_ConfirmsInChinese_WhenSnoozedInChinese()
    {
        var reply = await _world.SayAsync(_world.RepRex(), "延後 Acme upsell 到 2017-10-15");
        Assert.Equal("zh-TW", reply.Language);
        Assert.Contains("2017年10月15日", reply.Text);
    }

    [Fact]
    public async Task SnoozingALostDeal_SaysItIsClosed_AndWritesNothing()
    {
        var typed = await _world.SayAsync(_world.RepRex(), "snooze Acme lost one 7 days");
        var pressed = await _world.PressAsync(_world.RepRex(), CardVerbs.Snooze, new() { ["opportunityId"] = _world.AcmeLost.ToString(), ["days"] = "7" });

        Assert.Equal((ReplyKind.Error, ReplyKind.Error), (typed.Kind, pressed.Kind));
        Assert.StartsWith("I couldn't find an account or open deal", typed.Text);   // typed names find open deals only
        Assert.StartsWith("Acme lost one is closed, so it won't be nudged.", pressed.Text);
        using var db = _world.Database.NewContext();
        Assert.Equal(0, await db.Snoozes.CountAsync());
    }

    // Imports without account owners (the Maven data): the account is theirs who own a deal on it, as in the reports.
    [Fact]
    public async Task HandleAction_SnoozesAnAccountWithoutOwner_OnlyForARepWithADealOnIt()
    {
        int initech;
        using (var db = _world.Database.NewTrackingContext())
        {
            var account = new Account { Name = "Initech" };
            db.Accounts.Add(account);
            db.SaveChanges();
            db.Opportunities.Add(new Opportunity { Name = "Initech pilot", AccountId = account.Id, OwnerId = _world.Rex, Stage = OpportunityStage.Proposal });
            db.SaveChanges();
            initech = account.Id;
        }
        var ola = new Asker(_world.Ola, "Ola Other", "ola@example.com", UserRole.Rep, _world.South, [], "UTC", "en", null);

        var refused = await _world.PressAsync(ola, CardVerbs.Snooze, new() { ["accountId"] = initech.ToString(), ["days"] = "7" });
        var snoozed = await _world.PressAsync(_world.RepRex(), CardVerbs.Snooze, new() { ["accountId"] = initech.ToString(), ["days"] = "7" });

        Assert.Equal(ReplyKind.Refusal, refused.Kind);
        Assert.Equal(ReplyKind.Confirmation, snoozed.Kind);
        using var check = _world.Database.NewContext();
        Assert.Equal((_world.Rex, (int?)initech), await check.Snoozes.Select(s => ValueTuple.Create(s.UserId, s.AccountId)).SingleAsync());
    }

    [Fact]
    public async Task HandleAction_RefusesAndWritesNothing_WhenARepSnoozesSomeoneElsesAccount()
    {
        var reply = await _world.PressAsync(_world.RepRex(), CardVerbs.Snooze, new() { ["accountId"] = _world.Globex.ToString(), ["days"] = "7" });
        Assert.Equal(ReplyKind.Refusal, reply.Kind);
        using var db = _world.Database.NewContext();
        Assert.Equal(0, await db.Snoozes.CountAsync());
    }

    [Fact]
    public async Task HandleText_ShowsTheSettingsForm_WhenSettingsIsTyped()
    {
        var reply = await _world.SayAsync(_world.RepRex(), "settings", ChatTestWorld.Channel);
        Assert.Equal(ReplyKind.Settings, reply.Kind);
        Assert.Equal(Visibility.Private, reply.Visibility);
        Assert.Equal(SettingNames.All, reply.Inputs.Select(i => i.Id));
        Assert.Equal("09:00", reply.Inputs[0].Value);
        Assert.Equal("mon,tue,wed,thu,fri", reply.Inputs[1].Value);
        Assert.Equal(CardVerbs.SaveSettings, Assert.Single(reply.Buttons).Verb);
    }

    [Fact]
    public async Task SettingsForm_ShowsTheAdminsDefaults_AndSavingItUnchangedLeavesThemTheAdmins()
    {
        using var world = new ChatTestWorld(new Dictionary<string, string?> { ["Nudges:DefaultNudgeTime"] = "08:15", ["Nudges:StaleDays"] = "21" });
        var form = await world.SayAsync(world.RepRex(), "settings");
        var shown = form.Inputs.ToDictionary(i => i.Id, i => i.Value);
        Assert.Equal(("08:15", "21"), (shown[SettingNames.NudgeTime], shown[SettingNames.StaleThresholdDays]));

        // Save as a card sends it: the button's data and every field, only the language changed.
        var sent = new Dictionary<string, string>(Assert.Single(form.Buttons).Data);
        foreach (var (id, value) in shown.Where(x => x.Value is not null))
            sent[id] = id == SettingNames.Language ? "zh-TW" : value!;
        var reply = await world.PressAsync(world.RepRex(), CardVerbs.SaveSettings, sent);

        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        using var db = world.Database.NewContext();
        var rex = await db.Users.SingleAsync(u => u.Id == world.Rex);
        Assert.Equal("zh-TW", rex.Language);
        Assert.Equal((null, null, null), (rex.NudgeTime, rex.WorkingDaysMask, rex.StaleThresholdDays));
    }

    // A form shown before the admin moved the default (07:00 then, 08:15 now), saved unchanged: still the admin's.
    [Fact]
    public async Task SettingsForm_ShownBeforeTheAdminsChange_SavedUnchanged_LeavesTheDefaultTheAdmins()
    {
        using var world = new ChatTestWorld(new Dictionary<string, string?> { ["Nudges:DefaultNudgeTime"] = "08:15" });
        var form = await world.SayAsync(world.RepRex(), "settings");
        var oldCard = new Dictionary<string, string>(Assert.Single(form.Buttons).Data) { ["default." + SettingNames.NudgeTime] = "07:00" };
        oldCard[SettingNames.NudgeTime] = "07:00";

        TimeOnly? NudgeTime()
        {
            using var db = world.Database.NewContext();
            return db.Users.Single(u => u.Id == world.Rex).NudgeTime;
        }

        var saved = await world.PressAsync(world.RepRex(), CardVerbs.SaveSettings, new(oldCard) { [SettingNames.Language] = "en" });
        var afterSave = NudgeTime();
        var changed = await world.PressAsync(world.RepRex(), CardVerbs.SaveSettings, new(oldCard) { [SettingNames.NudgeTime] = "06:30" });

        Assert.Equal((ReplyKind.Confirmation, ReplyKind.Confirmation), (saved.Kind, changed.Kind));
        Assert.Null(afterSave);                          // 07:00 came back as shown: not pinned (today's default is 08:15)
        Assert.Equal(new TimeOnly(6, 30), NudgeTime());  // a change is the user's own
    }

    [Fact]
    public async Task SettingsForm_InChinese_ShowsAndReadsChineseDayNames()
    {
        var form = await _world.SayAsync(_world.RepRex("zh-TW"), "設定");
        var days = form.Inputs.Single(i => i.Id == SettingNames.WorkingDays);
        Assert.Equal("週一、週二、週三、週四、週五", days.Value);

        var sent = new Dictionary<string, string>(Assert.Single(form.Buttons).Data) { [SettingNames.WorkingDays] = "週一、週三" };
        var reply = await _world.PressAsync(_world.RepRex("zh-TW"), CardVerbs.SaveSettings, sent);

        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        using var db = _world.Database.NewContext();
        Assert.Equal((1 << 1) | (1 << 3), (await db.Users.SingleAsync(u => u.Id == _world.Rex)).WorkingDaysMask);
    }

    [Fact]
    public async Task HandleText_ChangesOneSetting_WhenAKeyAndValueAreTyped()
    {
        var reply = await _world.SayAsync(_world.RepRex(), "settings nudge time 8:30");
        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        using var db = _world.Database.NewContext();
        Assert.Equal(new TimeOnly(8, 30), (await db.Users.SingleAsync(u => u.Id == _world.Rex)).NudgeTime);
    }

    [Fact]
    public async Task HandleAction_SavesNothing_WhenAnyValueIsInvalid()
    {
        var reply = await _world.PressAsync(_world.RepRex(), CardVerbs.SaveSettings,
            new() { [SettingNames.NudgeTime] = "7:15", [SettingNames.StaleThresholdDays] = "-3" });
        Assert.Equal(ReplyKind.Error, reply.Kind);
        using var db = _world.Database.NewContext();
        var rex = await db.Users.SingleAsync(u => u.Id == _world.Rex);
        Assert.Null(rex.NudgeTime);
        Assert.Null(rex.StaleThresholdDays);
    }

    [Fact]
    public async Task HandleAction_SavesTheForm_AndConfirmsInTheNewLanguage()
    {
        var reply = await _world.PressAsync(_world.RepRex(), CardVerbs.SaveSettings, new()
        {
            [SettingNames.NudgeTime] = "7:15", [SettingNames.WorkingDays] = "mon-thu", [SettingNames.Language] = "zh-TW",
            [SettingNames.StaleThresholdDays] = "21", [SettingNames.NudgesEnabled] = "false",
        });
        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        Assert.Equal("zh-TW", reply.Language);
        using var db = _world.Database.NewContext();
        var rex = await db.Users.SingleAsync(u => u.Id == _world.Rex);
        Assert.Equal(new TimeOnly(7, 15), rex.NudgeTime);
        Assert.Equal((1 << 1) | (1 << 2) | (1 << 3) | (1 << 4), rex.WorkingDaysMask);
        Assert.Equal("zh-TW", rex.Language);
        Assert.Equal(21, rex.StaleThresholdDays);
        Assert.False(rex.NudgesEnabled);
    }

    [Fact]
    public async Task HandleText_StoresASubscription_WhenAManagerSubscribesInAChannel()
    {
        var reply = await _world.SayAsync(_world.ManagerMia, "subscribe leaderboard weekly monday 9:00", ChatTestWorld.Channel);

        Assert.Equal(ReplyKind.Confirmation, reply.Kind);
        using var db = _world.Database.NewContext();
        var subscription = Assert.Single(db.ChannelSubscriptions.ToList());
        Assert.Equal("C1", subscription.ConversationId);
        Assert.Equal(DayOfWeek.Monday, subscription.DayOfWeek);
        Assert.Equal(new TimeOnly(9, 0), subscription.TimeOfDay);
    }
}
