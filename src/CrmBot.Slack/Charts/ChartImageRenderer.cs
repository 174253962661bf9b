using CrmBot.Core.Reports;
using ScottPlot;
using SkiaSharp;

namespace CrmBot.Slack.Charts;

/// <summary>
/// Draws a report <see cref="Chart"/> as a PNG for Slack, which has no chart block (the Slack sender
/// uploads it with files.getUploadURLExternal / files.completeUploadExternal). Stacked bars stack
/// the series per category; labels use a CJK-capable font so zh-TW categories and legends render.
/// </summary>
public sealed class ChartImageRenderer(string? fontFamily = null, int width = 800, int height = 450)
{
    /// <summary>Fonts that carry Traditional Chinese glyphs, in order of preference (fonts-noto-cjk).</summary>
    public static readonly IReadOnlyList<string> CjkFontFamilies =
        ["Noto Sans CJK TC", "Noto Serif CJK TC", "Noto Sans CJK JP", "Noto Sans CJK SC"];

    private readonly string _fontFamily = fontFamily ?? InstalledCjkFont() ?? "DejaVu Sans";

    /// <summary>The font family the charts are drawn with.</summary>
    public string FontFamily => _fontFamily;

    public byte[] RenderPng(Chart chart)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        switch (chart.Kind)
        {
            case ChartKind.Line:
                for (var s = 0; s < chart.Series.Count; s++)
                {
                    var line = plot.Add.Scatter(
                        Enumerable.Range(0, chart.Categories.Count).Select(i => (double)i).ToArray(),
                        Enumerable.Range(0, chart.Categories.Count).Select(i => ValueAt(chart.Series[s], i)).ToArray());
                    line.Color = palette.GetColor(s);
                    line.LegendText = chart.Series[s].Legend;
                }
                break;
            default:
                plot.Add.Bars(Bars(chart, palette));
                for (var s = 0; s < chart.Series.Count; s++)
                    plot.Legend.ManualItems.Add(new LegendItem { LabelText = chart.Series[s].Legend, FillColor = palette.GetColor(s) });
                plot.Axes.Margins(bottom: 0);
                break;
        }
        plot.Axes.Bottom.SetTicks(
            Enumerable.Range(0, chart.Categories.Count).Select(i => (double)i).ToArray(), [.. chart.Categories]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Title(chart.Title);
        plot.XLabel(chart.XTitle);
        plot.YLabel(chart.YTitle);
        if (chart.Series.Count > 1 || chart.Kind == ChartKind.StackedBar) plot.ShowLegend(Edge.Right);
        plot.Font.Set(_fontFamily);
        // The legend would otherwise pick its own font per render (and clip CJK labels measured with another one).
        plot.Legend.SetBestFontOnEachRender = false;
        plot.Legend.FontName = _fontFamily;
        // CJK fonts are taller than ScottPlot's measurement assumes: give labels and legend room so nothing is clipped.
        plot.Legend.Padding = new PixelPadding(8, 8, 8, 14);
        plot.Axes.Left.MinimumSize = 90;
        plot.Axes.Bottom.MinimumSize = 60;
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static List<Bar> Bars(Chart chart, IPalette palette)
    {
        var stacked = chart.Kind == ChartKind.StackedBar;
        var groupWidth = 0.8;
        var barWidth = stacked ? groupWidth : groupWidth / Math.Max(1, chart.Series.Count);
        var bars = new List<Bar>();
        for (var c = 0; c < chart.Categories.Count; c++)
        {
            var stackBase = 0.0;
            for (var s = 0; s < chart.Series.Count; s++)
            {
                var value = ValueAt(chart.Series[s], c);
                var position = stacked ? c : c - groupWidth / 2 + barWidth * (s + 0.5);
                bars.Add(new Bar
                {
                    Position = position,
                    ValueBase = stacked ? stackBase : 0,
                    Value = stacked ? stackBase + value : value,
                    Size = barWidth,
                    FillColor = palette.GetColor(s),
                    LineWidth = 0,
                });
                if (stacked) stackBase += value;
            }
        }
        return bars;
    }

    private static double ValueAt(ChartSeries series, int index) => index < series.Values.Count ? series.Values[index] : 0;

    /// <summary>The first CJK font family fontconfig/Skia knows on this machine, or null.</summary>
    public static string? InstalledCjkFont()
    {
        var installed = SKFontManager.Default.GetFontFamilies().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return CjkFontFamilies.FirstOrDefault(installed.Contains);
    }
}
