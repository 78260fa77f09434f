using System.Buffers.Binary;
using System.IO.Hashing;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.Zip.Compression;
using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Data;

/// <summary>
/// Decompresses gzip (RFC 1952) member by member, streaming, and checks each member's trailer: its CRC32 and its
/// length mod 2^32 (ISIZE). GZipStream reads a file cut at a flush point as if it were complete and says nothing of
/// a wrong CRC, so rows would vanish silently; here a cut, a bad trailer, or bytes after a member that do not start
/// another one throw <see cref="DamagedFileException"/> (kind <see cref="Damaged"/>) after the data before them.
/// Output past <c>maxDecompressedBytes</c> throws too (kind <see cref="TooLarge"/>): a gzip bomb is rejected, not read for hours.
/// </summary>
internal sealed class CheckedGzipStream(Stream compressed, long maxDecompressedBytes) : ReadOnlyStream
{
    public const string Damaged = "truncated or corrupt gzip";
    public const string TooLarge = "decompressed size over the limit";

    private const byte Id1 = 0x1F, Id2 = 0x8B, Deflate = 8;
    private const int FlagHeaderCrc = 2, FlagExtra = 4, FlagName = 8, FlagComment = 16;

    private readonly byte[] _input = new byte[1 << 16];
    private readonly byte[] _output = new byte[1 << 16];
    private readonly Inflater _inflater = new(noHeader: true);
    private readonly Crc32 _crc = new();
    private int _start, _end;       // compressed bytes read but not yet used: _input[_start.._end]
    private bool _inMember;
    private int _members;           // members begun
    private long _memberLength, _total;
    private bool _overLimit;        // the output reached the limit and was cut there; the next read reports it

    /// <summary>The drop readers read asynchronously only; a second, blocking decoder is not worth keeping.</summary>
    public override int Read(Span<byte> buffer) => throw new NotSupportedException("read this stream with ReadAsync");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0)
        {
            if (_overLimit)
                throw new DamagedFileException(TooLarge, $"more than {maxDecompressedBytes} bytes (setting {nameof(DropFileLimits.MaxDecompressedBytes)})");
            if (!_inMember)
            {
                // The end of the file is only allowed here, between members (or in an empty file).
                if (!await EnsureAsync(1, cancellationToken))
                    return 0;
                await ReadHeaderAsync(cancellationToken);
                continue;
            }
            var produced = Inflate(buffer.Length);
            if (produced > 0)
            {
                _output.AsSpan(0, produced).CopyTo(buffer.Span);
                return produced;
            }
            if (_overLimit)
                continue;
            if (_inflater.IsFinished)
            {
                _start = _end - _inflater.RemainingInput; // what the inflater did not use starts the trailer
                await ReadTrailerAsync(cancellationToken);
            }
            else if (_inflater.IsNeedingInput)
            {
                if (!await EnsureAsync(1, cancellationToken))
                    throw Damage($"the file ends inside member {_members} (after {_memberLength} bytes of it)");
                _inflater.SetInput(_input, _start, _end - _start);
                _start = _end; // handed to the inflater; RemainingInput tells what comes back
            }
            else
            {
                throw Damage($"member {_members} asks for a preset dictionary, which gzip does not have");
            }
        }
        return 0;
    }

    /// <summary>Inflates at most <paramref name="count"/> bytes; one byte past the limit is asked for, to know whether the output goes on.</summary>
    private int Inflate(int count)
    {
        var room = maxDecompressedBytes - _total;
        var asked = Math.Min(count, _output.Length);
        if (room < asked)
            asked = (int)room + 1;
        int produced;
        try
        {
            produced = _inflater.Inflate(_output, 0, asked);
        }
        catch (SharpZipBaseException e)
        {
            throw Damage($"member {_members}: {e.Message}");
        }
        if (produced > room)
        {
            _overLimit = true; // deliver what fits, so the rows within the limit are read
            produced = (int)room;
        }
        _crc.Append(_output.AsSpan(0, produced));
        _memberLength += produced;
        _total += produced;
        return produced;
    }

    private async Task ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (!await EnsureAsync(10, cancellationToken) || _input[_start] != Id1 || _input[_start + 1] != Id2)
            throw Damage(_members == 0 ? "the file does not start with a gzip header" : $"the bytes after member {_members} do not start another member");
        if (_input[_start + 2] != Deflate)
            throw Damage($"member {_members + 1} uses compression method {_input[_start + 2]}, not deflate");
        var flags = _input[_start + 3];
        _start += 10; // magic, method, flags, mtime, extra flags, OS
        if ((flags & FlagExtra) != 0)
        {
            if (!await EnsureAsync(2, cancellationToken))
                throw Damage($"the file ends inside member {_members + 1}'s header");
            var length = BinaryPrimitives.ReadUInt16LittleEndian(_input.AsSpan(_start));
            _start += 2;
            await SkipAsync(length, cancellationToken);
        }
        if ((flags & FlagName) != 0)
            await SkipPastZeroAsync(cancellationToken);
        if ((flags & FlagComment) != 0)
            await SkipPastZeroAsync(cancellationToken);
        if ((flags & FlagHeaderCrc) != 0)
            await SkipAsync(2, cancellationToken);
        _members++;
        _inMember = true;
        _memberLength = 0;
        _crc.Reset();
        _inflater.Reset();
    }

    private async Task ReadTrailerAsync(CancellationToken cancellationToken)
    {
        if (!await EnsureAsync(8, cancellationToken))
            throw Damage($"the file ends inside member {_members}'s trailer");
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(_input.AsSpan(_start));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(_input.AsSpan(_start + 4));
        _start += 8;
        if (crc != _crc.GetCurrentHashAsUInt32())
            throw Damage($"member {_members}'s CRC32 is {_crc.GetCurrentHashAsUInt32():x8}, its trailer says {crc:x8}");
        if (size != unchecked((uint)_memberLength))
            throw Damage($"member {_members} holds {_memberLength} bytes, its trailer says {size} (mod 2^32)");
        _inMember = false;
    }

    private async Task SkipPastZeroAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await EnsureAsync(1, cancellationToken))
                throw Damage($"the file ends inside member {_members + 1}'s header");
            var zero = _input.AsSpan(_start, _end - _start).IndexOf((byte)0);
            if (zero >= 0)
            {
                _start += zero + 1;
                return;
            }
            _start = _end;
        }
    }

    private async Task SkipAsync(int count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (!await EnsureAsync(1, cancellationToken))
                throw Damage($"the file ends inside member {_members + 1}'s header");
            var skipped = Math.Min(count, _end - _start);
            _start += skipped;
            count -= skipped;
        }
    }

    /// <summary>Makes at least <paramref name="count"/> (at most a few dozen) unused bytes available; false at the end of the file.</summary>
    private async Task<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
            return true;
        // Only called when the inflater holds no input of ours, so the unused bytes can move to the front.
        _input.AsSpan(_start, _end - _start).CopyTo(_input);
        _end -= _start;
        _start = 0;
        while (_end < count)
        {
            var read = await compressed.ReadAsync(_input.AsMemory(_end), cancellationToken);
            if (read == 0)
                return false;
            _end += read;
        }
        return true;
    }

    private static DamagedFileException Damage(string detail) => new(Damaged, detail);
}
