using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>Plain aligned columns for terminal output (stays readable when piped to a file or grep).</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    // Cells hold text from instances (ids, failure messages): one line each, control characters escaped.
    public void Add(params string?[] cells) => _rows.Add([.. cells.Select(c => Printable.Escape((c ?? "").ReplaceLineEndings(" ")))]);

    public async Task WriteAsync(TextWriter output, string indent = "")
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        await output.WriteLineAsync(indent + Line(headers, widths));
        foreach (var row in _rows)
            await output.WriteLineAsync(indent + Line(row, widths));
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
