using System.Globalization;
using System.Net;
using System.Text;

namespace RankDistill.Activities.Reporting;

/// <summary>The report's plots as inline SVG, drawn here so the page needs no script, font or network.</summary>
internal static class SvgCharts
{
    private const int Width = 640;
    private const int Height = 240;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 36;

    /// <summary>A loss curve: steps across, loss up, four gridlines labelled with their values. Non-finite losses are left out.</summary>
    public static string LineChart(IReadOnlyList<LossPoint> points, string label)
    {
        var finite = points.Where(p => double.IsFinite(p.Loss)).ToList();
        var svg = Open(label, Height);
        if (finite.Count == 0)
            return svg.Append("<text x=\"16\" y=\"40\">no finite loss values</text></svg>").ToString();

        double x0 = finite[0].Step, x1 = Math.Max(finite[^1].Step, x0 + 1);
        double y0 = finite.Min(p => p.Loss), y1 = finite.Max(p => p.Loss);
        if (y1 - y0 < 1e-12)
            (y0, y1) = (y0 - 0.5, y1 + 0.5);
        double X(double step) => Left + (step - x0) / (x1 - x0) * (Width - Left - Right);
        double Y(double loss) => Top + (y1 - loss) / (y1 - y0) * (Height - Top - Bottom);

        for (int i = 0; i <= 4; i++)
        {
            double value = y0 + (y1 - y0) * i / 4, y = Y(value);
            svg.Append(Invariant($"<line class=\"grid\" x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\"/>"));
            svg.Append(Invariant($"<text class=\"tick\" x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{value:0.###}</text>"));
        }
        foreach (var step in new[] { x0, (x0 + x1) / 2, x1 })
            svg.Append(Invariant($"<text class=\"tick\" x=\"{X(step):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{step:0}</text>"));
        svg.Append(Invariant($"<text class=\"axis\" x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 4}\" text-anchor=\"middle\">step</text>"));
        svg.Append("<polyline class=\"curve\" points=\"");
        svg.AppendJoin(' ', finite.Select(p => Invariant($"{X(p.Step):0.##},{Y(p.Loss):0.##}")));
        return svg.Append("\"/></svg>").ToString();
    }

    /// <summary>Horizontal bars, one a ranker, scaled to the largest value, each labelled with its value.</summary>
    public static string BarChart(IReadOnlyList<(string Label, string CssClass, double Value)> bars, string label, string format)
    {
        const int row = 28;
        int height = Top + bars.Count * row + 8;
        var svg = Open(label, height);
        double max = bars.Select(b => double.IsFinite(b.Value) ? b.Value : 0).DefaultIfEmpty(0).Max();
        double scale = max > 0 ? (Width - 160 - Left) / max : 0;
        for (int i = 0; i < bars.Count; i++)
        {
            var (name, css, value) = bars[i];
            double y = Top + i * row, w = double.IsFinite(value) ? Math.Max(value, 0) * scale : 0;
            svg.Append(Invariant($"<text class=\"tick\" x=\"{Left + 40}\" y=\"{y + 17}\" text-anchor=\"end\">{Encode(name)}</text>"));
            svg.Append(Invariant($"<rect class=\"{Encode(css)}\" x=\"{Left + 48}\" y=\"{y + 4}\" width=\"{w:0.#}\" height=\"{row - 10}\"/>"));
            svg.Append(Invariant($"<text class=\"tick\" x=\"{Left + 54 + w:0.#}\" y=\"{y + 17}\">{Encode(value.ToString(format, CultureInfo.InvariantCulture))}</text>"));
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// Horizontal bars with error bars (mean ± standard deviation), one a row, drawn from a zero line that sits where the
    /// values need it (at the left when none is negative), so differences that go either way read as such. A row
    /// without a finite spread (one seed) has no error bar.
    /// </summary>
    public static string ErrorBarChart(
        IReadOnlyList<(string Label, string CssClass, double Mean, double Deviation)> bars, string label, string format, string deviationFormat = "0.000")
    {
        const int row = 28, labelWidth = 150, valueWidth = 130;
        int height = Top + bars.Count * row + 8;
        var svg = Open(label, height);
        static double Finite(double v) => double.IsFinite(v) ? v : 0;
        double low = Math.Min(0, bars.Select(b => Finite(b.Mean) - Finite(b.Deviation)).DefaultIfEmpty(0).Min());
        double high = Math.Max(0, bars.Select(b => Finite(b.Mean) + Finite(b.Deviation)).DefaultIfEmpty(0).Max());
        if (high - low < 1e-12)
            high = low + 1;
        double left = labelWidth + 8, width = Width - left - valueWidth;
        double X(double v) => left + (v - low) / (high - low) * width;
        double zero = X(0);
        svg.Append(Invariant($"<line class=\"grid\" x1=\"{zero:0.#}\" y1=\"{Top - 4}\" x2=\"{zero:0.#}\" y2=\"{height - 4}\"/>"));
        for (int i = 0; i < bars.Count; i++)
        {
            var (name, css, mean, deviation) = bars[i];
            double y = Top + i * row, x = X(Finite(mean)), middle = y + row / 2.0 - 1;
            svg.Append(Invariant($"<text class=\"tick\" x=\"{labelWidth}\" y=\"{y + 17}\" text-anchor=\"end\">{Encode(name)}</text>"));
            svg.Append(Invariant($"<rect class=\"{Encode(css)}\" x=\"{Math.Min(x, zero):0.#}\" y=\"{y + 4}\" width=\"{Math.Abs(x - zero):0.#}\" height=\"{row - 10}\"/>"));
            if (double.IsFinite(deviation) && double.IsFinite(mean))
            {
                double x0 = X(mean - deviation), x1 = X(mean + deviation);
                svg.Append(Invariant($"<path class=\"errorbar\" d=\"M{x0:0.#},{middle:0.#}H{x1:0.#}M{x0:0.#},{middle - 5:0.#}V{middle + 5:0.#}M{x1:0.#},{middle - 5:0.#}V{middle + 5:0.#}\"/>"));
            }
            var text = mean.ToString(format, CultureInfo.InvariantCulture) + (double.IsFinite(deviation) ? " ± " + deviation.ToString(deviationFormat, CultureInfo.InvariantCulture) : "");
            svg.Append(Invariant($"<text class=\"tick\" x=\"{Width - valueWidth + 6}\" y=\"{y + 17}\">{Encode(text)}</text>"));
        }
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open(string label, int height) => new StringBuilder()
        .Append(Invariant($"<svg role=\"img\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">"))
        .Append("<title>").Append(Encode(label)).Append("</title>");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
