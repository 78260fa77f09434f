using System.Security.Cryptography;

namespace RankDistill.Activities.Storage;

/// <summary>
/// Reads a file of a set and checks it against its manifest entry as it streams: a byte past the recorded size,
/// an end before it, or a SHA-256 that differs once the recorded size is reached throws
/// <see cref="CorruptArtifactException"/> naming the file. The hash is checked the moment the last recorded byte
/// is read, so a reader that stops at the recorded size (and never sees end-of-stream) is verified too.
/// </summary>
internal sealed class VerifyingReadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly string _name;
    private readonly string _manifest;
    private readonly ArtifactSetEntry _expected;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;

    public VerifyingReadStream(Stream inner, string name, string manifest, ArtifactSetEntry expected)
    {
        (_inner, _name, _manifest, _expected) = (inner, name, manifest, expected);
        if (expected.Size == 0)
            Check();
    }

    public override int Read(Span<byte> buffer) => Account(buffer, _inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var count = await _inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span, count);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        _hash.Dispose();
        await base.DisposeAsync();
    }

    private int Account(Span<byte> buffer, int count)
    {
        if (count == 0)
        {
            if (buffer.Length > 0 && _read < _expected.Size)
                throw Corrupt($"it ends after {_read} bytes but {_manifest} lists {_expected.Size}");
            return 0;
        }
        _read += count;
        if (_read > _expected.Size)
            throw Corrupt($"it is longer than the {_expected.Size} bytes {_manifest} lists");
        _hash.AppendData(buffer[..count]);
        if (_read == _expected.Size)
            Check();
        return count;
    }

    private void Check()
    {
        if (_verified)
            return;
        var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (actual != _expected.Sha256)
            throw Corrupt($"its SHA-256 is {actual} but {_manifest} lists {_expected.Sha256}");
        _verified = true;
    }

    private CorruptArtifactException Corrupt(string problem) => new(_name, problem);
}
