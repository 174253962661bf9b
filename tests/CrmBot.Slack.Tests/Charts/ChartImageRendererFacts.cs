using CrmBot.Core.Reports;
using CrmBot.Slack.Charts;
using CrmBot.Testing;
using CrmBot.Testing.Replies;
using SkiaSharp;

namespace CrmBot.Slack.Tests.Charts;

public sealed class ChartImageRendererFacts
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void RenderPng_DrawsAPng_ForAStackedBreakdown()
    {
        var png = new ChartImageRenderer().RenderPng(SampleReplies.Pipeline("en").Report!.Chart!);

        Assert.Equal(PngSignature, png[..8]);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((800, 450), (bitmap.Width, bitmap.Height));
    }

    [Theory]
    [InlineData(ChartKind.Line)]
    [InlineData(ChartKind.Bar)]
    public void RenderPng_DrawsLinesAndGroupedBars(ChartKind kind)
    {
        var chart = SampleReplies.Trends("zh-TW").Report!.Chart! with { Kind = kind };

        var png = new ChartImageRenderer().RenderPng(chart);
        var blank = new ChartImageRenderer().RenderPng(chart with { Series = [] });

        Assert.Equal(PngSignature, png[..8]);
        Assert.NotEqual(blank, png);
    }

    [Fact]
    public void InstalledCjkFont_FindsANotoCjkFamily_WhenFontsNotoCjkIsInstalled() =>
        Assert.Contains(ChartImageRenderer.InstalledCjkFont(), ChartImageRenderer.CjkFontFamilies);

    [Fact]
    public void RenderPng_DrawsChineseGlyphs_NotTofu()
    {
        var chart = SampleReplies.Pipeline("zh-TW").Report!.Chart!;

        var cjk = new ChartImageRenderer().RenderPng(chart);
        // DejaVu Sans has no Han glyphs: drawn with it, every Chinese character is the same empty box.
        var tofu = new ChartImageRenderer("DejaVu Sans").RenderPng(chart);

        Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "artifacts", "charts"));
        File.WriteAllBytes(Path.Combine(RepoPaths.Root, "artifacts", "charts", "pipeline.zh-TW.png"), cjk);
        File.WriteAllBytes(Path.Combine(RepoPaths.Root, "artifacts", "charts", "pipeline.zh-TW.tofu.png"), tofu);
        // Real glyphs have many more strokes than boxes: count dark pixels in the title strip.
        Assert.True(DarkPixelsInTitle(cjk) > DarkPixelsInTitle(tofu) * 1.3,
            $"CJK font {DarkPixelsInTitle(cjk)} vs tofu {DarkPixelsInTitle(tofu)} dark pixels");
    }

    private static int DarkPixelsInTitle(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        var dark = 0;
        for (var y = 0; y < 40; y++)
            for (var x = 0; x < bitmap.Width; x++)
                if (bitmap.GetPixel(x, y) is var c && c.Red + c.Green + c.Blue < 300) dark++;
        return dark;
    }
}
