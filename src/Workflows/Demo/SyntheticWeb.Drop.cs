using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using RankDistill.Activities.Data;

namespace RankDistill.Workflows.Demo;

/// <summary>Writing a world as a drop in a local artifact-store folder.</summary>
public static partial class SyntheticWeb
{
    public const string JsonlPart = "part-00000.jsonl.gz";
    public const string ParquetPart = "part-00001.parquet";
    public const string SuccessMarker = "_SUCCESS";
    public const string LabelsFile = "labels.jsonl";

    /// <summary>
    /// Writes <c>labels/&lt;drop-id&gt;/labels.jsonl</c>, then the click log as
    /// <c>clicklogs/&lt;drop-id&gt;/part-00000.jsonl.gz</c> (three searches in four, with the
    /// options' malformed lines mixed in) and <c>part-00001.parquet</c> (the rest, plus the
    /// re-delivered rows), and <c>_SUCCESS</c> last, so a watcher never sees half a drop. Each
    /// file is written under a dot-name (which readers skip) and renamed when complete.
    /// </summary>
    /// <returns>The files written, relative to <paramref name="storeRoot"/>, in writing order.</returns>
    public static async Task<IReadOnlyList<string>> WriteDropAsync(
        SyntheticWorld world, string storeRoot, string dropId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dropId);
        if (dropId.IndexOfAny(['/', '\\']) >= 0 || dropId.StartsWith('.'))
            throw new ArgumentException($"drop id '{dropId}' must be one folder name", nameof(dropId));
        var random = DemoRandom.For(world.Options.Seed, "drop");
        var inJsonl = world.Impressions.Where((_, i) => i % 4 != 3).SelectMany(i => i.Rows).ToList();
        var inParquet = world.Impressions.Where((_, i) => i % 4 == 3).SelectMany(i => i.Rows).ToList();
        var repeated = inJsonl.ToList();
        random.Shuffle(repeated);
        inParquet.AddRange(repeated.Take(world.Options.RepeatedRows));
        var jsonlLines = inJsonl.Select(DropFileWriter.ToJsonLine).ToList();
        foreach (var line in MalformedLines(inJsonl, world.Options.MalformedRows, random))
            jsonlLines.Insert(random.NextInt(jsonlLines.Count + 1), line);

        var written = new List<string>();
        var labels = Path.Combine("labels", dropId, LabelsFile);
        await WriteAtomicallyAsync(storeRoot, labels, s => DropFileWriter.WriteLabelsAsync(s, LabelsFile, world.Labels, cancellationToken), written);
        var clicks = Path.Combine("clicklogs", dropId);
        await WriteAtomicallyAsync(storeRoot, Path.Combine(clicks, JsonlPart), s => WriteGzipLinesAsync(s, jsonlLines, cancellationToken), written);
        await WriteAtomicallyAsync(storeRoot, Path.Combine(clicks, ParquetPart), s => DropFileWriter.WriteClickLogsAsync(s, ParquetPart, inParquet, cancellationToken), written);
        await WriteAtomicallyAsync(storeRoot, Path.Combine(clicks, SuccessMarker), _ => Task.CompletedTask, written);
        return written;
    }

    /// <summary>Real rows broken the ways producers break them, one kind after another.</summary>
    private static IEnumerable<string> MalformedLines(List<ClickLogRow> rows, int count, DemoRandom random)
    {
        for (var i = 0; i < count && rows.Count > 0; i++)
        {
            var line = DropFileWriter.ToJsonLine(random.Pick(rows));
            var row = JsonNode.Parse(line)!.AsObject();
            switch (i % 5)
            {
                case 0: row.Remove("query"); break;
                case 1: row["position"] = "first"; break;
                case 2: row["clicked"] = "maybe"; break;
                case 3: row["url"] = "www.example.com/no-scheme"; break;
                default: yield return line[..(line.Length / 2)]; continue; // cut mid-write
            }
            yield return row.ToJsonString();
        }
    }

    private static async Task WriteGzipLinesAsync(Stream stream, List<string> lines, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
        await using var writer = new StreamWriter(gzip, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        foreach (var line in lines)
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken);
    }

    private static async Task WriteAtomicallyAsync(string root, string relativePath, Func<Stream, Task> write, List<string> written)
    {
        var path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp");
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            await write(stream);
        File.Move(temporary, path, overwrite: true);
        written.Add(relativePath);
    }
}
