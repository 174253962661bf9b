using System.Globalization;
using CrmBot.Core.Chat;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;
using CrmBot.Core.Localization;
using CrmBot.Core.Reports;
using Microsoft.EntityFrameworkCore;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// `subscribe leaderboard weekly monday 9:00` (or `pipeline`), `unsubscribe`, `subscriptions`: scheduled team posts
/// set up in chat. Only managers (for the teams they manage) and admins may change a channel's
/// subscriptions, and only from the channel itself; the schedule runs in the subscriber's time zone.
/// </summary>
public sealed class SubscriptionService(CrmDbContext db, TimeProvider time)
{
    /// <summary>Reports that can be posted on a schedule (design.md 7: the leaderboard, optionally the pipeline).</summary>
    public static readonly IReadOnlySet<ReportKind> Schedulable = new HashSet<ReportKind> { ReportKind.Leaderboard, ReportKind.Pipeline };

    public async Task<Reply> HandleAsync(SubscribeCommand cmd, Asker asker, ChatContext ctx, CancellationToken ct)
    {
        var f = Formats.For(cmd.Language ?? asker.Language);
        if (Refusal(asker, ctx, f) is { } refused)
            return refused;
        if (!Schedulable.Contains(cmd.Report))
            return Error(f, f.IsChinese ? "只能排程張貼團隊排行榜或銷售管線。" : "Only the team leaderboard and pipeline can be posted on a schedule.");

        var (team, problem) = await ResolveTeamAsync(cmd.Team, asker, f, ct);
        if (team is null)
            return problem!;

        var sub = await db.ChannelSubscriptions.AsTracking().FirstOrDefaultAsync(s => s.IsActive && s.Platform == ctx.Platform
            && s.Workspace == ctx.Workspace && s.ConversationId == ctx.ConversationId && s.Report == cmd.Report.ToString() && s.TeamId == team.Id, ct);
        if (sub is null)
        {
            sub = new ChannelSubscription
            {
                Platform = ctx.Platform, Workspace = ctx.Workspace, ConversationId = ctx.ConversationId, Report = cmd.Report.ToString(),
                TeamId = team.Id, TimeZone = asker.TimeZone, CreatedByUserId = asker.UserId, CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            db.ChannelSubscriptions.Add(sub);
        }
        // Subscribing again changes the schedule of the existing subscription instead of adding a second post.
        sub.Frequency = cmd.Frequency;
        sub.DayOfWeek = cmd.Frequency == SubscriptionFrequency.Weekly ? cmd.Day ?? DayOfWeek.Monday : null;
        sub.DayOfMonth = cmd.Frequency == SubscriptionFrequency.Monthly ? Math.Clamp(cmd.DayOfMonth ?? 1, 1, 31) : null;
        sub.TimeOfDay = cmd.Time;
        sub.TimeZone = asker.TimeZone;
        sub.Language = f.Language;
        sub.ConversationRefId = await db.ConversationRefs
            .Where(c => c.Platform == ctx.Platform && c.Workspace == ctx.Workspace && c.ConversationId == ctx.ConversationId)
            .Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
        await db.SaveChangesAsync(ct);

        return new Reply
        {
            Kind = ReplyKind.Confirmation, Language = f.Language, Title = f.IsChinese ? "已訂閱" : "Subscribed",
            Text = f.IsChinese
                ? $"{Schedule(sub, f)}會在這裡張貼 {ReportScope.TeamsLabel([team.Name], f)}{ReportName(sub.Report, f)}。"
                : $"{ReportScope.TeamsLabel([team.Name], f)}'s {ReportName(sub.Report, f)} will be posted here {Schedule(sub, f)}.",
        };
    }

    public async Task<Reply> HandleAsync(UnsubscribeCommand cmd, Asker asker, ChatContext ctx, CancellationToken ct)
    {
        var f = Formats.For(cmd.Language ?? asker.Language);
        if (Refusal(asker, ctx, f) is { } refused)
            return refused;
        var report = cmd.Report?.ToString();
        var query = InConversation(ctx).Where(s => report == null || s.Report == report);
        if (asker.Role != UserRole.Admin)
            query = query.Where(s => asker.ManagedTeamIds.Contains(s.TeamId));
        var stopped = await query.ExecuteUpdateAsync(s => s.SetProperty(x => x.IsActive, false), ct);
        return new Reply
        {
            Kind = ReplyKind.Confirmation, Language = f.Language, Title = f.IsChinese ? "已取消訂閱" : "Unsubscribed",
            Text = stopped == 0
                ? f.IsChinese ? "這個頻道沒有您可以取消的排程張貼。" : "This channel has no scheduled posts you can stop."
                : f.IsChinese ? $"已停止 {stopped} 個排程張貼。" : $"Stopped {stopped} scheduled post{(stopped == 1 ? "" : "s")}.",
        };
    }

    /// <summary>In a channel: its subscriptions. In a DM: those of the teams the asker manages (all, for an admin).</summary>
    public async Task<Reply> HandleAsync(ListSubscriptionsCommand cmd, Asker asker, ChatContext ctx, CancellationToken ct)
    {
        var f = Formats.For(cmd.Language ?? asker.Language);
        var query = ctx.IsPersonal ? db.ChannelSubscriptions.Where(s => s.IsActive) : InConversation(ctx);
        if (ctx.IsPersonal && asker.Role != UserRole.Admin)
            query = query.Where(s => asker.ManagedTeamIds.Contains(s.TeamId));
        var subs = await query.OrderBy(s => s.Id).ToListAsync(ct);
        var teamNames = await db.Teams.Where(t => subs.Select(s => s.TeamId).Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var lines = subs.Select(s => f.IsChinese
            ? $"• {ReportScope.TeamsLabel([teamNames.GetValueOrDefault(s.TeamId) ?? ""], f)}{ReportName(s.Report, f)}：{Schedule(s, f)}"
            : $"• {ReportScope.TeamsLabel([teamNames.GetValueOrDefault(s.TeamId) ?? ""], f)} {ReportName(s.Report, f)}: {Schedule(s, f)}");
        return new Reply
        {
            Kind = ReplyKind.Confirmation, Language = f.Language, Title = f.IsChinese ? "排程張貼" : "Scheduled posts",
            Text = subs.Count == 0
                ? f.IsChinese ? "沒有排程張貼。" : "No scheduled posts."
                : string.Join("\n", lines),
        };
    }

    private IQueryable<ChannelSubscription> InConversation(ChatContext ctx) => db.ChannelSubscriptions.Where(s =>
        s.IsActive && s.Platform == ctx.Platform && s.Workspace == ctx.Workspace && s.ConversationId == ctx.ConversationId);

    private static Reply? Refusal(Asker asker, ChatContext ctx, Formats f)
    {
        if (asker.Role == UserRole.Rep)
            return Error(f, f.IsChinese ? "只有主管和管理員可以設定頻道的排程張貼。" : "Only managers and admins can schedule posts to a channel.", ReplyKind.Refusal);
        if (ctx.IsPersonal)
            return Error(f, f.IsChinese ? "請在要張貼的頻道中輸入這個指令。" : "Type this in the channel where the posts should go.");
        return null;
    }

    private async Task<(Team? Team, Reply? Problem)> ResolveTeamAsync(SubjectSpec? subject, Asker asker, Formats f, CancellationToken ct)
    {
        List<Team> candidates;
        if (subject is { Kind: SubjectKind.Team, Name: { } name })
            candidates = await db.Teams.Where(t => t.Name.ToLower() == name.ToLower()).ToListAsync(ct);
        else if (asker.ManagedTeamIds.Count > 0)
            candidates = await db.Teams.Where(t => asker.ManagedTeamIds.Contains(t.Id)).OrderBy(t => t.Name).ToListAsync(ct);
        else
            candidates = await db.Teams.Where(t => t.Id == asker.TeamId).ToListAsync(ct);

        if (candidates.Count == 0)
            return (null, Error(f, f.IsChinese ? "找不到這個團隊。" : "No such team found."));
        if (candidates.Count > 1)
        {
            var names = string.Join(", ", candidates.Select(t => t.Name));
            return (null, Error(f, f.IsChinese ? $"請指定團隊：{names}" : $"Say which team: {names}", ReplyKind.Choice));
        }
        var team = candidates[0];
        if (asker.Role != UserRole.Admin && !asker.ManagedTeamIds.Contains(team.Id))
            return (null, Error(f, f.IsChinese ? "您只能為自己管理的團隊設定排程張貼。" : "You can schedule posts only for teams you manage.", ReplyKind.Refusal));
        return (team, null);
    }

    private static string ReportName(string report, Formats f) => report == nameof(ReportKind.Pipeline)
        ? f.IsChinese ? "銷售管線" : "pipeline"
        : f.IsChinese ? "排行榜" : "leaderboard";

    /// <summary>"every Monday at 09:00 (Asia/Taipei)" / "每週一 09:00（Asia/Taipei）".</summary>
    private static string Schedule(ChannelSubscription s, Formats f)
    {
        var at = s.TimeOfDay.ToString("HH:mm", CultureInfo.InvariantCulture);
        var culture = CultureInfo.GetCultureInfo(f.IsChinese ? "zh-TW" : "en-US");
        return (s.Frequency, f.IsChinese) switch
        {
            (SubscriptionFrequency.Daily, false) => $"every day at {at} ({s.TimeZone})",
            (SubscriptionFrequency.Daily, true) => $"每天 {at}（{s.TimeZone}）",
            (SubscriptionFrequency.Weekly, false) => $"every {culture.DateTimeFormat.GetDayName(s.DayOfWeek!.Value)} at {at} ({s.TimeZone})",
            (SubscriptionFrequency.Weekly, true) => $"每{culture.DateTimeFormat.GetAbbreviatedDayName(s.DayOfWeek!.Value)} {at}（{s.TimeZone}）",
            (_, false) => $"on day {s.DayOfMonth} of every month at {at} ({s.TimeZone})",
            (_, true) => $"每月 {s.DayOfMonth} 日 {at}（{s.TimeZone}）",
        };
    }

    private static Reply Error(Formats f, string text, ReplyKind kind = ReplyKind.Error) => new()
    {
        Kind = kind, Language = f.Language, Title = f.IsChinese ? "無法設定" : "Cannot do that", Text = text, Visibility = Visibility.Private,
    };
}
