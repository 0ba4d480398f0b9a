using System.Buffers;
using System.Globalization;
using System.Text;

namespace Dstack.Core.Logs;

/// <summary>
/// Encodes entries into one chunk of format 2 (<see cref="LogChunkFormat"/>) as they come: the text is written once,
/// and a time only once per group of entries written in the same millisecond. Not thread-safe.
/// </summary>
public sealed class LogChunkBuilder
{
    private readonly ArrayBufferWriter<byte> _chunk = new(4096);
    private readonly ArrayBufferWriter<byte> _group = new(4096);
    private long _groupMs;
    private long _previousMs;
    private int _groupCount;
    private int _lines;
    private bool _endsMidLine;
    private long _lastMs;

    public bool IsEmpty => _chunk.WrittenCount == 0 && _groupCount == 0;

    /// <summary>About how many bytes the chunk has so far.</summary>
    public int Length => _chunk.WrittenCount + _group.WrittenCount;

    public void Add(LogEntry entry)
    {
        var ms = entry.At.ToUnixTimeMilliseconds();
        if (IsEmpty)
        {
            Write(_chunk, string.Create(CultureInfo.InvariantCulture, $"{LogChunkFormat.Magic} {ms}\n"));
            _previousMs = ms;
        }
        if (_groupCount > 0 && ms != _groupMs) CloseGroup(partial: false);
        if (_groupCount == 0) _groupMs = ms;
        Write(_group, entry.Text);
        _group.GetSpan(1)[0] = (byte)'\n';
        _group.Advance(1);
        _groupCount++;
        _lastMs = ms;
        _endsMidLine = !entry.EndsLine;
        if (entry.EndsLine) _lines++;
        else CloseGroup(partial: true); // only a group's last entry may be a line's start
    }

    /// <summary>The chunk's bytes and its name under <paramref name="seq"/>; the builder starts afresh.</summary>
    public (LogChunkName Name, byte[] Data) Seal(long seq)
    {
        if (_groupCount > 0) CloseGroup(partial: false);
        var result = (new LogChunkName(seq, _lastMs, _lines, _endsMidLine), _chunk.WrittenSpan.ToArray());
        _chunk.ResetWrittenCount();
        _lines = 0;
        _endsMidLine = false;
        return result;
    }

    private void CloseGroup(bool partial)
    {
        Write(_chunk, string.Create(CultureInfo.InvariantCulture, $"@{_groupMs - _previousMs} {_groupCount}{(partial ? "+" : "")}\n"));
        _chunk.Write(_group.WrittenSpan);
        _group.ResetWrittenCount();
        _previousMs = _groupMs;
        _groupCount = 0;
    }

    private static void Write(ArrayBufferWriter<byte> to, string text)
    {
        var span = to.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        to.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
