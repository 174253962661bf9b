using System.Globalization;
using System.Text.RegularExpressions;

namespace CrmBot.Core.Commands;

/// <summary>
/// Reads a report question: threshold, comparison, breakdown and period phrases are found and removed
/// first, then Chinese and English report words, then who it is about in what is left.
/// The trends mapping (docs/commands.md, "Trends"): any comparison ("yoy", "vs last year", "年增")
/// makes a trends question; "ytd"/"mtd"/"qtd" with a year/month/quarter baseline — or alone, or with
/// "trends" — is the comparison itself (Compare = Ytd/Mtd/Qtd, Period = Default); win rate and the
/// won-amount/won-count words set the metric.
/// </summary>
internal static partial class ReportParser
{
    private enum Baseline { Year, Quarter, Month }

    private static readonly (string[] Words, ReportKind Kind)[] EnglishReports = SplitPhrases(Vocabulary.EnglishReports);
    private static readonly (string[] Words, TrendMetric Metric)[] EnglishMetrics = SplitPhrases(Vocabulary.EnglishMetrics);
    private static readonly (string Phrase, ReportKind Kind)[] ChineseReports = [.. Vocabulary.ChineseReports.OrderByDescending(p => p.Phrase.Length)];
    private static readonly (string Phrase, TrendMetric Metric)[] ChineseMetrics = [.. Vocabulary.ChineseMetrics.OrderByDescending(p => p.Phrase.Length)];
    private static readonly (string Phrase, Breakdown Breakdown)[] ChineseBreakdownWords = [.. Vocabulary.ChineseBreakdownWords.OrderByDescending(p => p.Phrase.Length)];
    private static readonly (string Phrase, SubjectSpec Subject)[] ChineseSubjects = [.. Vocabulary.ChineseSubjects.OrderByDescending(p => p.Phrase.Length)];
    private static readonly string[] ChineseFiller = [.. Vocabulary.ChineseFiller.OrderByDescending(p => p.Length)];

    private static readonly HashSet<string> EveryoneWords = ["everyone", "everybody", "company", "company-wide", "companywide", "all teams", "the company", "whole company", "the whole company", "all", "all reps"];
    private static readonly HashSet<string> MyTeamWords = ["team", "my team", "our team", "us", "my reps", "my teams"];

    /// <summary>A report question is a sentence: beyond this many characters a message is not one (and is not worth the work).</summary>
    private const int MaxQuestionLength = 500;

    public static Command? TryParse(NormalizedText normalized)
    {
        if (normalized.Lower.Length > MaxQuestionLength)
            return null;
        var (cased, lower) = TypoCorrector.Correct(normalized.Cased, normalized.Lower);
        var text = new ParseText(cased, lower);

        var (threshold, unusable) = ReadNumber(text, Threshold(), 0, UnusableValueCommand.MaxDays, UnusableValue.Days);
        var (page, unusablePage) = ReadNumber(text, Page(), 1, UnusableValueCommand.MaxPage, UnusableValue.Page);
        unusable ??= unusablePage;
        var offset = page is { } number ? (number - 1) * ReportRequest.PageSize : 0;
        var baseline = ReadBaseline(text);
        var breakdown = ReadBreakdown(text);
        var (period, periodPhrases, notAPeriod) = PeriodParser.Read(text.Lower);
        if (notAPeriod is not null)
            unusable ??= new UnusableValueCommand(notAPeriod.Kind, text.CasedSlice(notAPeriod.Index, notAPeriod.Length));
        foreach (var (index, length) in periodPhrases)
            text.Consume(index, length);

        SubjectSpec? subject = null;
        TrendMetric? metric = null;
        ReportKind? kind = null;
        if (normalized.HasCjk)
        {
            ConsumeAll(text, ChineseFiller);
            subject = ReadChineseTeamName(text);
            metric = ConsumeFirst(text, ChineseMetrics);
            kind = ConsumeFirst(text, ChineseReports);
            subject ??= ConsumeFirst(text, ChineseSubjects);
            subject ??= ReadChineseUserName(text);
        }

        var words = text.Words();
        var used = new bool[words.Count];
        kind ??= MatchFirst(words, used, EnglishReports);
        metric ??= MatchFirst(words, used, EnglishMetrics);
        subject = ReadSubject(words, used, normalized.Mentions) ?? subject;

        var command = Build(kind, metric, baseline, period, breakdown, subject, threshold, offset);
        return command is null ? null : unusable is null ? command : unusable with { SubjectName = command.Request.Subject?.Name, Report = command.Request.Kind };
    }

    private static ReportCommand? Build(ReportKind? kind, TrendMetric? metric, Baseline? baseline, PeriodSpec period, Breakdown breakdown,
        SubjectSpec? subject, int? threshold, int offset)
    {
        if (kind is not null and not ReportKind.Trends and not ReportKind.WinRate)
            metric = null; // "sales pipeline" is the pipeline, not a trend of sales
        if (kind == ReportKind.WinRate)
            metric = TrendMetric.WinRate; // used only if a comparison makes this a trends question
        if (kind == ReportKind.Activity && breakdown == Breakdown.OpportunityType)
            breakdown = Breakdown.ActivityType; // "activity by type" means the activity's type

        var isToDate = period.Kind is PeriodKind.Ytd or PeriodKind.Qtd or PeriodKind.Mtd;
        var isTrend = baseline is not null || kind == ReportKind.Trends || (kind is null && metric is not null && metric != TrendMetric.WinRate)
            || (kind is null && isToDate);
        if (kind is null && !isTrend)
            return null;
        if (!isTrend)
            return new ReportCommand(new ReportRequest(kind!.Value) { Period = period, Subject = subject, Breakdown = breakdown, ThresholdDays = threshold, Offset = offset });

        TrendComparison? compare = (baseline, period.Kind) switch
        {
            (Baseline.Year or null, PeriodKind.Ytd) => TrendComparison.Ytd,
            (Baseline.Quarter or null, PeriodKind.Qtd) => TrendComparison.Qtd,
            (Baseline.Month or null, PeriodKind.Mtd) => TrendComparison.Mtd,
            (Baseline.Year, _) => TrendComparison.Yoy,
            (Baseline.Quarter, _) => TrendComparison.Qoq,
            (Baseline.Month, _) => TrendComparison.Mom,
            _ => null,
        };
        if (compare is TrendComparison.Ytd or TrendComparison.Qtd or TrendComparison.Mtd)
            period = PeriodSpec.Default; // the comparison names the span

        if (metric is null or TrendMetric.WonAmount && breakdown == Breakdown.ProductFamily)
            (metric, breakdown) = (TrendMetric.WonAmountByProductFamily, Breakdown.None);
        else if (metric is null or TrendMetric.WonAmount && breakdown == Breakdown.OpportunityType)
            (metric, breakdown) = (TrendMetric.WonAmountByType, Breakdown.None);

        return new ReportCommand(new ReportRequest(ReportKind.Trends)
        {
            Period = period, Subject = subject, Breakdown = breakdown, ThresholdDays = threshold, Compare = compare, Metric = metric, Offset = offset,
        });
    }

    /// <summary>"… page 3" / "第3頁" in another command's words (nudge stats): the rows it skips, and the words without it.</summary>
    internal static (int Offset, UnusableValueCommand? Unusable, string RestLower) ReadPage(string cased, string lower)
    {
        var text = new ParseText(cased, lower);
        var (page, unusable) = ReadNumber(text, Page(), 1, UnusableValueCommand.MaxPage, UnusableValue.Page);
        return (((page ?? 1) - 1) * ReportRequest.PageSize, unusable, text.Lower);
    }

    /// <summary>
    /// A phrase with a number ("over 30 days", "page 3", "第3頁"), taken out of the text: its number when it lies in
    /// [<paramref name="min"/>, <paramref name="max"/>], otherwise the phrase as an unusable value.
    /// </summary>
    private static (int? Value, UnusableValueCommand? Unusable) ReadNumber(ParseText text, Regex pattern, int min, int max, UnusableValue kind)
    {
        var m = pattern.Match(text.Lower);
        if (!m.Success)
            return (null, null);
        var phrase = text.CasedSlice(m.Index, m.Length);
        text.Consume(m.Index, m.Length);
        var value = m.Groups["n"].Value;
        int? n = int.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var digits)
            ? digits : PeriodParser.CountOf(value);   // "page two", "第二頁"
        return n >= min && n <= max ? (n, null) : (null, new UnusableValueCommand(kind, phrase));
    }

    private static Baseline? ReadBaseline(ParseText text)
    {
        var m = Comparison().Match(text.Lower);
        if (!m.Success)
            return null;
        text.Consume(m.Index, m.Length);
        var what = m.Groups["b"].Value;
        return what switch
        {
            "year" or "yoy" or "y/y" or "去年" or "年增" or "年比" or "同比" or "年增率" => Baseline.Year,
            "quarter" or "qoq" or "q/q" or "上季" or "上一季" or "季增" or "季比" => Baseline.Quarter,
            _ => Baseline.Month,
        };
    }

    private static Breakdown ReadBreakdown(ParseText text)
    {
        var m = EnglishBreakdown().Match(text.Lower);
        if (m.Success)
        {
            var words = m.Groups["w"].Value;
            foreach (var (phrase, breakdown) in Vocabulary.EnglishBreakdowns)
                if (phrase == words)
                {
                    text.Consume(m.Index, m.Length);
                    return breakdown;
                }
        }
        var lower = text.Lower;
        if (!NormalizedText.ContainsCjk(lower))
            return Breakdown.None;
        foreach (var by in Vocabulary.ChineseBy)
            foreach (var (phrase, breakdown) in ChineseBreakdownWords)
            {
                var at = lower.IndexOf(by + phrase, StringComparison.Ordinal);
                if (at < 0)
                    continue;
                var length = by.Length + phrase.Length;
                if (at + length < lower.Length && lower[at + length] is '別' or '分')
                    length++;
                text.Consume(at, length);
                return breakdown;
            }
        return Breakdown.None;
    }

    /// <summary>"北區團隊": a team named before 團隊 (but 我的團隊 is the asker's own).</summary>
    private static SubjectSpec? ReadChineseTeamName(ParseText text)
    {
        for (var m = ChineseTeamName().Match(text.Lower); m.Success; m = m.NextMatch())
        {
            var name = m.Groups["name"];
            if (name.Value is "我的" or "我們" or "我們的" or "本" or "我" or "整個" or "所有" or "全" || name.Value.EndsWith('的') && name.Value.StartsWith('我'))
                continue;
            var spec = SubjectSpec.Team(text.CasedSlice(name.Index, name.Length));
            text.Consume(m.Index, m.Length);
            return spec;
        }
        return null;
    }

    /// <summary>"王小明的停滯商機", "Trisha Ratke的停滯商機": a rep's name before 的, once the report words are gone.</summary>
    private static SubjectSpec? ReadChineseUserName(ParseText text)
    {
        var m = ChineseUserName().Match(text.Lower);
        if (!m.Success || m.Groups["name"].Value.StartsWith('我'))
            return null;
        var (start, end) = (m.Groups["name"].Index, m.Groups["name"].Index + m.Groups["name"].Length);
        if (!NormalizedText.ContainsCjk(m.Groups["name"].Value))
        {
            // A Latin name is the capitalised words just before 的: "show Ann的" names Ann, "team的" and "Team East的" no one.
            var words = LatinWord().Matches(m.Groups["name"].Value);
            var first = words.Count;
            while (first > 0 && char.IsUpper(text.CasedSlice(start + words[first - 1].Index, 1)[0]))
                first--;
            if (first == words.Count || NotNames.Contains(words[first].Value))
                return null;
            start += words[first].Index;
        }
        var spec = SubjectSpec.User(text.CasedSlice(start, end - start));
        text.Consume(start, m.Index + m.Length - start);
        return spec;
    }

    private static T? ConsumeFirst<T>(ParseText text, (string Phrase, T Value)[] phrases) where T : struct
    {
        var lower = text.Lower;
        foreach (var (phrase, value) in phrases)
        {
            var at = lower.IndexOf(phrase, StringComparison.Ordinal);
            if (at >= 0)
            {
                text.Consume(at, phrase.Length);
                return value;
            }
        }
        return null;
    }

    private static SubjectSpec? ConsumeFirst(ParseText text, (string Phrase, SubjectSpec Subject)[] phrases)
    {
        var lower = text.Lower;
        foreach (var (phrase, subject) in phrases)
        {
            var at = lower.IndexOf(phrase, StringComparison.Ordinal);
            if (at >= 0)
            {
                text.Consume(at, phrase.Length);
                return subject;
            }
        }
        return null;
    }

    private static void ConsumeAll(ParseText text, string[] phrases)
    {
        foreach (var phrase in phrases)
            for (var at = text.Lower.IndexOf(phrase, StringComparison.Ordinal); at >= 0; at = text.Lower.IndexOf(phrase, StringComparison.Ordinal))
                text.Consume(at, phrase.Length);
    }

    /// <summary>The longest vocabulary phrase found among the words not used yet, marking its words used.</summary>
    private static T? MatchFirst<T>(List<Word> words, bool[] used, (string[] Words, T Value)[] phrases) where T : struct
    {
        foreach (var (phraseWords, value) in phrases)
            for (var i = 0; i + phraseWords.Length <= words.Count; i++)
            {
                var all = true;
                for (var k = 0; k < phraseWords.Length && all; k++)
                    all = !used[i + k] && words[i + k].Lower == phraseWords[k];
                if (!all)
                    continue;
                for (var k = 0; k < phraseWords.Length; k++)
                    used[i + k] = true;
                return value;
            }
        return null;
    }

    /// <summary>
    /// Who the question is about, most specific wins: a mention, then "for Name" / "team Name",
    /// then everyone, then my team, then me.
    /// </summary>
    private static SubjectSpec? ReadSubject(List<Word> words, bool[] used, IReadOnlyList<string> mentions)
    {
        SubjectSpec? best = null;
        var bestRank = 0;
        void Offer(SubjectSpec spec, int rank)
        {
            if (rank > bestRank)
                (best, bestRank) = (spec, rank);
        }

        for (var i = 0; i < words.Count; i++)
        {
            if (used[i])
                continue;
            var w = words[i].Lower;
            if (words[i].IsMention)
            {
                if (int.TryParse(w.Trim(NormalizedText.MentionMark), CultureInfo.InvariantCulture, out var index) && index < mentions.Count)
                    Offer(SubjectSpec.Mention(mentions[index]), 5);
                continue;
            }
            if (w is "for" or "of" or "about")
            {
                var run = Run(words, used, i + 1);
                if (run.Count > 0 && Classify(run) is { } spec)
                    Offer(spec.Subject, spec.Rank);
                continue;
            }
            var next = i + 1 < words.Count && !used[i + 1] ? words[i + 1].Lower : null;
            if (w is "my" or "our" && next is "team" or "teams" or "reps")
            {
                Offer(SubjectSpec.MyTeam, 2);
                used[i + 1] = true;
            }
            else if (w is "my" or "mine")
                Offer(SubjectSpec.Me, 1);
            else if (w is "team")
            {
                var run = Run(words, used, i + 1);
                Offer(run.Count > 0 ? SubjectSpec.Team(ParseText.Join(run.Select(r => r.Cased))) : SubjectSpec.MyTeam, run.Count > 0 ? 4 : 2);
            }
            else if (EveryoneWords.Contains(w) && w != "all" || w == "all" && next is "teams" or "reps")
                Offer(SubjectSpec.Everyone, 3);
        }
        return best;
    }

    /// <summary>Adjacent words not used yet, without trailing filler ("for Darcel please").</summary>
    private static List<Word> Run(List<Word> words, bool[] used, int from)
    {
        var run = new List<Word>();
        for (var j = from; j < words.Count && !used[j] && !words[j].IsMention; j++)
        {
            if (run.Count > 0 && words[j].Index > run[^1].Index + run[^1].Length + 1)
                break; // something understood or punctuation in between: the name ended
            run.Add(words[j]);
            used[j] = true;
        }
        var all = ParseText.Join(run.Select(r => r.Lower));
        if (EveryoneWords.Contains(all) || MyTeamWords.Contains(all) || all == "me")
            return run;
        while (run.Count > 0 && Vocabulary.EnglishFiller.Contains(run[^1].Lower))
            run.RemoveAt(run.Count - 1);
        while (run.Count > 0 && run[0].Lower is "the")
            run.RemoveAt(0);
        return run;
    }

    private static (SubjectSpec Subject, int Rank)? Classify(List<Word> run)
    {
        var all = ParseText.Join(run.Select(r => r.Lower));
        if (all == "me")
            return (SubjectSpec.Me, 1);
        if (MyTeamWords.Contains(all))
            return (SubjectSpec.MyTeam, 2);
        if (EveryoneWords.Contains(all))
            return (SubjectSpec.Everyone, 3);
        if (run.Count > 1 && run[0].Lower == "team")
            return (SubjectSpec.Team(ParseText.Join(run.Skip(1).Select(r => r.Cased))), 4);
        if (run.Count > 1 && run[^1].Lower == "team")
            return (SubjectSpec.Team(ParseText.Join(run.SkipLast(1).Select(r => r.Cased))), 4);
        return (SubjectSpec.User(ParseText.Join(run.Select(r => r.Cased))), 4);
    }

    private static (string[] Words, T Value)[] SplitPhrases<T>((string Phrase, T Value)[] phrases) =>
        [.. phrases.Select(p => (p.Phrase.Split(' '), p.Value)).OrderByDescending(p => p.Item1.Length).ThenByDescending(p => p.Item1.Sum(w => w.Length))];

    [GeneratedRegex(@"(?<![a-z])(?:over|more than|older than|longer than|at least|beyond|>=?)\s*(?<n>-?(?:" + PeriodParser.Number + @"))\s*(?:days?|d)(?![a-z])|(?<![a-z0-9]|\d,)(?<n>-?(?:" + PeriodParser.Number + @"))\s*(?:\+\s*days?|days?\s*(?:\+|or more|plus))(?![a-z])|超過\s*(?<n>-?(?:" + PeriodParser.Number + @"))\s*[天日]|(?<!\d|\d,)(?<n>-?(?:" + PeriodParser.Number + @"))\s*[天日]以上")]
    private static partial Regex Threshold();

    [GeneratedRegex(@"(?<![a-z])(?:(?:vs\.?|versus|compared\s+(?:to|with)|against|compare\s+(?:to|with))\s+(?:the\s+)?(?:last|previous|prior|same\s+period\s+last)\s+(?<b>year|quarter|month)|(?<b>yoy|qoq|mom|y/y|q/q|m/m)|(?:year|quarter|month)[- ]over[- ](?<b>year|quarter|month))(?![a-z])|(?:與|和|跟|對比|相較|相比)?\s*(?<b>去年|上一季|上季|上個月|上月)\s*(?:比較|相比|對比|同期|比)|(?<b>年增率|年增|年比|同比|季增|季比|月增|月比|環比)")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"(?<![a-z])(?:by|per|split by|broken down by)\s+(?<w>product family|deal type|opportunity type|activity type|[a-z]+)(?![a-z])")]
    private static partial Regex EnglishBreakdown();

    [GeneratedRegex(@"(?<name>[\u4e00-\u9fffa-z0-9]{1,12}?)\s?團隊")]
    private static partial Regex ChineseTeamName();

    // "page N" only ends a question: inside it, "Page" may be a name ("stale deals for Page 2 Media").
    [GeneratedRegex(@"(?<![a-z])page\s*(?<n>-?(?:" + PeriodParser.Number + @")|(?:" + PeriodParser.EnglishCount + @")(?![a-z]))[\s.!?\u0001]*$|第\s*(?<n>-?(?:" + PeriodParser.Number + @")|" + PeriodParser.ChineseNumerals + @")\s*頁")]
    private static partial Regex Page();

    [GeneratedRegex(@"\S+")]
    private static partial Regex LatinWord();

    /// <summary>Words that start a subject phrase, not a name ("Team East的", "My的").</summary>
    private static readonly HashSet<string> NotNames = ["my", "team", "our", "everyone", "all", "the"];

    // A Chinese name of 2-4 characters, or a Latin one of up to four words ("Trisha Ratke的").
    [GeneratedRegex(@"(?<name>[\u4e00-\u9fff]{2,4}|(?<![a-z])[a-z][a-z.'\-]*(?: [a-z][a-z.'\-]*){0,3}) ?的")]
    private static partial Regex ChineseUserName();
}
