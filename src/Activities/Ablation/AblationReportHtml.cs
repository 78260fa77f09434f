using System.Globalization;
using System.Net;
using System.Text;
using RankDistill.Activities.Reporting;

namespace RankDistill.Activities.Ablation;

/// <summary>
/// The ablation's report.html: one self-contained page like the run report's (inline CSS and SVG, no script, nothing
/// fetched): the variants over seeds, the paired comparisons beside what the paper reports, each as a table and a bar
/// chart with ±1 standard deviation error bars, and every arm's numbers. Every text from data is HTML-encoded.
/// </summary>
internal static class AblationReportHtml
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
        h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
        table{border-collapse:collapse}th,td{padding:.3rem .8rem;text-align:right;border-bottom:1px solid #eee}
        th:first-child,td:first-child,td.text{text-align:left}.meta{color:#555}
        svg{display:block;margin:.5rem 0;font-size:11px}.grid{stroke:#999}.tick{fill:#555}
        .teacher{fill:#6a3d9a}.student{fill:#1f78b4}.difference{fill:#33a02c}.errorbar{stroke:#222;stroke-width:1.2;fill:none}
        """;

    public static byte[] Render(AblationSummary summary) => Encoding.UTF8.GetBytes(RenderText(summary));

    internal static string RenderText(AblationSummary summary)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append("<title>RankDistill ablation: ").Append(E(summary.RunId)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>RankDistill ablation report</h1>\n");
        html.Append(Invariant($"<p class=\"meta\">Ablation <code>{E(summary.RunId)}</code> on drop <code>{E(summary.DropId)}</code>: seeds {E(string.Join(", ", summary.Seeds))}, "));
        html.Append(Invariant($"every arm scored on the same {summary.TestQueries} held-out test queries. Mean ± sample standard deviation over seeds; "));
        html.Append("a comparison is paired (the same seed on both sides) and called clear only when its mean difference is more than two standard errors from 0.</p>\n");

        html.Append("<h2>Paired comparisons (NDCG@5 difference)</h2>\n<table><thead><tr><th>Comparison</th><th>Paper</th><th>Here</th><th>ΔNDCG@5</th><th>ΔNDCG@10</th><th>ΔPNR</th></tr></thead><tbody>\n");
        foreach (var c in summary.Comparisons)
        {
            html.Append("<tr><td>").Append(E($"{c.Variant} vs {c.Against}")).Append("</td><td class=\"text\">").Append(E(c.Paper)).Append("</td><td class=\"text\">").Append(E(c.Here))
                .Append("</td><td>").Append(S(c.Ndcg5, "+0.000;-0.000;0.000")).Append("</td><td>").Append(S(c.Ndcg10, "+0.000;-0.000;0.000")).Append("</td><td>")
                .Append(S(c.Pnr, "+0.00;-0.00;0.00")).Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
        html.Append(SvgCharts.ErrorBarChart([.. summary.Comparisons.Select(c => (c.Key, "difference", c.Ndcg5.Mean, c.Ndcg5.StandardDeviation))],
            "NDCG@5 difference by comparison, mean ± sd over seeds", "+0.000;-0.000;0.000")).Append('\n');

        html.Append("<h2>Variants</h2>\n<table><thead><tr><th>Variant</th><th>Study</th><th>What it changes</th><th>NDCG@5</th><th>NDCG@10</th><th>PNR</th></tr></thead><tbody>\n");
        foreach (var v in summary.Variants)
        {
            html.Append("<tr><td>").Append(E(v.Variant)).Append("</td><td class=\"text\">").Append(E(v.Study)).Append("</td><td class=\"text\">").Append(E(v.Description))
                .Append("</td><td>").Append(S(v.Ndcg5, "0.000")).Append("</td><td>").Append(S(v.Ndcg10, "0.000")).Append("</td><td>").Append(S(v.Pnr, "0.00")).Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
        html.Append(SvgCharts.ErrorBarChart([.. summary.Variants.Select(v => (v.Variant, v.Variant.StartsWith("student", StringComparison.Ordinal) ? "student" : "teacher", v.Ndcg5.Mean, v.Ndcg5.StandardDeviation))],
            "NDCG@5 by variant, mean ± sd over seeds", "0.000")).Append('\n');

        html.Append("<h2>Arms</h2>\n<table><thead><tr><th>Variant</th><th>Seed</th><th>NDCG@5</th><th>NDCG@10</th><th>PNR</th><th>Model</th></tr></thead><tbody>\n");
        foreach (var a in summary.Arms.OrderBy(a => a.Variant, StringComparer.Ordinal).ThenBy(a => a.Seed))
        {
            var m = a.Result.Metrics;
            html.Append("<tr><td>").Append(E(a.Variant)).Append("</td><td>").Append(a.Seed.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(F(m.Ndcg5, "0.000"))
                .Append("</td><td>").Append(F(m.Ndcg10, "0.000")).Append("</td><td>").Append(F(m.Pnr, "0.00")).Append("</td><td class=\"text\"><code>").Append(E(a.ModelPath)).Append("</code></td></tr>\n");
        }
        return html.Append("</tbody></table>\n</body></html>\n").ToString();
    }

    private static string S(Spread spread, string format) =>
        F(spread.Mean, format) + (double.IsFinite(spread.StandardDeviation) ? " ± " + F(spread.StandardDeviation, "0.000") : "");

    private static string F(double value, string format) =>
        double.IsPositiveInfinity(value) ? "∞" : double.IsNaN(value) ? "n/a" : E(value.ToString(format, CultureInfo.InvariantCulture));

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
