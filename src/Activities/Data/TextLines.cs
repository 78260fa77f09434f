using System.Runtime.CompilerServices;
using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// Line reading for the text formats (UTF-8, a byte order mark skipped), bounded: a line longer than
/// <c>maxLineLength</c> characters is never built (a 400-million-character line would end the process), only its start
/// is kept for the rejection, and reading goes on after its newline. Lines end at \n, \r\n or \r, as
/// <see cref="TextReader.ReadLine"/> has it. A file whose bytes cannot be decoded further
/// (<see cref="DamagedFileException"/>) ends the reading with a file-level rejection. Bytes are decoded here rather
/// than by a StreamReader, which loses the text of its last reads when the stream under it throws: every byte read
/// before the damage reaches a line.
/// </summary>
internal sealed class TextLines(Stream stream, string file, int maxLineLength)
{
    private static readonly byte[] _byteOrderMark = [0xEF, 0xBB, 0xBF];
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetDecoder();
    private readonly byte[] _bytes = new byte[1 << 14];
    private readonly char[] _buffer = new char[(1 << 14) + 4]; // up to 3 bytes held over from the last read add characters
    private readonly StringBuilder _line = new();
    private int _start, _end;   // characters read but not yet used: _buffer[_start.._end]
    private bool _afterCarriageReturn;
    private bool _started;

    /// <summary>One line with its 1-based number, or why it (too long) or the rest of the file (damaged) was not used.</summary>
    public readonly record struct Line(long Number, string Text, RejectedRow? Failure);

    public string File => file;

    /// <summary>Lines read so far, blank ones included.</summary>
    public long Count { get; private set; }

    /// <summary>The non-blank lines that follow, each too long line as a rejection, and last the damage if the file has any.</summary>
    public async IAsyncEnumerable<Line> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var (text, tooLong, failure) = await ReadLineAsync(cancellationToken);
            if (failure is not null)
            {
                yield return new Line(Count, "", failure);
                yield break;
            }
            if (text is null)
                yield break;
            if (tooLong)
                yield return new Line(Count, text, RejectedRow.ForRow(file, Count, TooLongReason("line"), text));
            else if (!string.IsNullOrWhiteSpace(text))
                yield return new Line(Count, text, null);
        }
    }

    /// <summary>
    /// The next line (null at the end); when <c>TooLong</c>, only its first <see cref="RejectedRow.MaxRawTextLength"/>
    /// characters. <c>Failure</c> is the file-level rejection of a file that cannot be decoded further.
    /// </summary>
    public async Task<(string? Text, bool TooLong, RejectedRow? Failure)> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (text, tooLong) = await NextAsync(cancellationToken);
            if (text is not null)
                Count++;
            return (text, tooLong, null);
        }
        catch (DamagedFileException e)
        {
            return (null, false, RejectedRow.ForFile(file, $"{e.Kind}: after line {Count}: {e.Detail}"));
        }
    }

    /// <summary>"line too long: more than 1048576 characters (setting MaxLineLength)".</summary>
    public string TooLongReason(string what) =>
        $"{what} too long: more than {maxLineLength} characters (setting {nameof(DropFileLimits.MaxLineLength)})";

    private async Task<(string? Text, bool TooLong)> NextAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        var tooLong = false;
        var started = false;
        while (true)
        {
            if (_start == _end && !await DecodeAsync(cancellationToken))
                return started ? (_line.ToString(), tooLong) : (null, false);
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (_buffer[_start] == '\n')
                {
                    _start++; // the \n of a \r\n ending the previous line
                    continue;
                }
            }
            started = true;
            var rest = _buffer.AsSpan(_start, _end - _start);
            var end = rest.IndexOfAny('\r', '\n');
            var part = end < 0 ? rest : rest[..end];
            tooLong = Append(part, tooLong);
            _start += part.Length;
            if (end >= 0)
            {
                _afterCarriageReturn = rest[end] == '\r';
                _start++;
                return (_line.ToString(), tooLong);
            }
        }
    }

    /// <summary>Decodes the next bytes into the character buffer; false at the end of the file.</summary>
    private async Task<bool> DecodeAsync(CancellationToken cancellationToken)
    {
        _start = _end = 0;
        while (_end == 0)
        {
            var read = await stream.ReadAsync(_bytes, cancellationToken);
            var bytes = _bytes.AsSpan(0, read);
            if (!_started && read > 0)
            {
                _started = true;
                if (bytes.StartsWith(_byteOrderMark))
                    bytes = bytes[_byteOrderMark.Length..];
            }
            _end = _decoder.GetChars(bytes, _buffer, flush: read == 0);
            if (read == 0)
                return _end > 0;
        }
        return true;
    }

    /// <summary>Adds to the line while it fits; once it does not, keeps only the start that a rejection shows.</summary>
    private bool Append(ReadOnlySpan<char> part, bool tooLong)
    {
        if (!tooLong && _line.Length + part.Length <= maxLineLength)
        {
            _line.Append(part);
            return false;
        }
        if (_line.Length > RejectedRow.MaxRawTextLength)
            _line.Length = RejectedRow.MaxRawTextLength;
        _line.Append(part[..Math.Min(part.Length, RejectedRow.MaxRawTextLength - _line.Length)]);
        return true;
    }
}
