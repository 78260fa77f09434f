using System.Text.Json;
using System.Text.Json.Serialization;

namespace RankDistill.Models.Training;

/// <summary>
/// The training log, one JSON object a line, appended and flushed after every update so a reader
/// (the dashboard) sees it grow. A copy travels in every checkpoint, so a resumed run continues the
/// log of the step it resumes from, without the lines of the steps it redoes.
/// </summary>
public sealed class LossLog : IDisposable
{
    public const string FileName = "loss.jsonl";

    private static readonly JsonSerializerOptions _json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly StreamWriter _writer;

    /// <summary>Opens <paramref name="path"/> for appending; <paramref name="restoreFrom"/>, when given, replaces its content first; otherwise a fresh run starts an empty log.</summary>
    public LossLog(string path, string? restoreFrom)
    {
        Path = path;
        if (restoreFrom is not null)
            File.Copy(restoreFrom, path, overwrite: true);
        var stream = new FileStream(path, restoreFrom is null ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(stream) { NewLine = "\n" };
    }

    public string Path { get; }

    public void Append(LossLogEntry entry)
    {
        _writer.WriteLine(JsonSerializer.Serialize(entry, _json));
        _writer.Flush();
    }

    /// <summary>Copies the log as written so far into a checkpoint folder.</summary>
    public void CopyTo(string directory)
    {
        _writer.Flush();
        using var source = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var target = File.Create(System.IO.Path.Combine(directory, FileName));
        source.CopyTo(target);
    }

    /// <summary>Reads a log; a torn last line (a reader racing the writer) is skipped.</summary>
    public static List<LossLogEntry> Read(string path)
    {
        var entries = new List<LossLogEntry>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                entries.Add(JsonSerializer.Deserialize<LossLogEntry>(line, _json)!);
            }
            catch (JsonException) when (reader.EndOfStream)
            {
                break;
            }
        }
        return entries;
    }

    public void Dispose() => _writer.Dispose();
}
