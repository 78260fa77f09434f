using System.Text;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Data;

/// <summary>Keeps PrepareData's outputs in memory by path, visible once each stream is disposed.</summary>
internal sealed class MemorySink : IPreparedDataSink
{
    private readonly Dictionary<string, byte[]> _files = [];

    public IReadOnlyCollection<string> Paths => _files.Keys;

    public Task<Stream> CreateAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new CapturingStream(bytes => _files[path] = bytes));

    public string Text(string path) => Encoding.UTF8.GetString(_files[path]);

    public List<T> Read<T>(string path) =>
        [.. Text(path).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(PreparedJsonl.FromLine<T>)];

    private sealed class CapturingStream(Action<byte[]> onClose) : MemoryStream
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                onClose(ToArray());
            base.Dispose(disposing);
        }
    }
}
