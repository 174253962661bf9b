using CrmBot.Core.Reports;
using System.Text.RegularExpressions;
using CrmBot.Core.Commands;
using CrmBot.Core.Data;

namespace CrmBot.Core.Tests.Reports;

/// <summary>Every report speaks Traditional Chinese to a zh-TW user: title, fact labels, column headers and context.</summary>
public sealed partial class LocalizationFacts : IClassFixture<LocalizationFacts.Org>
{
    public sealed class Org : IDisposable
    {
        public SampleOrg Sample { get; } = new();
        public User Chinese { get; }

        public Org() => Chinese = Sample.Crm.User("Lin Mei", UserRole.Admin, Sample.North, "Asia/Taipei", "zh-TW");

        public void Dispose() => Sample.Dispose();
    }

    private readonly Org _org;

    public LocalizationFacts(Org org) => _org = org;

    public static TheoryData<ReportKind> Kinds() => new(ReportCatalog.All.Keys);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RunAsync_WritesEveryLabelInChinese_ForAZhTwUser(ReportKind kind)
    {
        // A plan is one person's: Ann, of team North.
        var subject = kind == ReportKind.ActionPlan ? SubjectSpec.User("Ann Able") : SubjectSpec.Team("North");
        var result = await _org.Sample.Crm.AnswerAsync(new ReportRequest(kind) { Subject = subject }, _org.Chinese, SampleOrg.Now);

        Assert.Equal("zh-TW", result.Language);
        Assert.Matches(Cjk(), result.Title);
        Assert.Contains("截至 2017年9月30日", result.Context);
        Assert.All(result.Facts, f => Assert.Matches(Cjk(), f.Label));
        Assert.All(result.Tables.SelectMany(t => t.Columns), c => Assert.Matches(Cjk(), c.Header));
        Assert.All(result.Actions, a => Assert.Matches(Cjk(), a.Label));
    }

    [Theory]
    [InlineData("你", "您")]              // replies once mixed 您 and 你 (docs/commands.md: 您 throughout)
    [InlineData("排程貼文", "排程張貼")]  // help named scheduled posts differently from the replies about them
    public void ZhTwText_SaysOneThingOneWay_Everywhere(string avoided, string used)
    {
        // Every zh-TW text lives in src, cards or the playground.
        var found = Directory.EnumerateFiles(Path.Combine(CrmBot.Testing.RepoPaths.Root, "src"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(CrmBot.Testing.RepoPaths.Cards, "*", SearchOption.AllDirectories))
            .Where(path => Path.GetExtension(path) is ".cs" or ".json" or ".html" or ".js" && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, i)))
            .Where(x => x.line.Contains(avoided, StringComparison.Ordinal))
            .Select(x => $"{Path.GetRelativePath(CrmBot.Testing.RepoPaths.Root, x.path)}:{x.i + 1}: {x.line.Trim()} (say {used})");
        Assert.Empty(found);
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();
}
