using System.Text;

namespace Dstack.Core.Logs;

/// <summary>
/// Reads a stream as UTF-8 lines split on <c>\n</c> alone (a <c>\r</c> is part of a log line: progress bars), holding
/// only a small window of it. A last line without <c>\n</c> is returned when it is not empty.
/// </summary>
public sealed class LogLineReader(Stream stream)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;

    public async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        var searched = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, searched + newline);
                _start += searched + newline + 1;
                return line;
            }
            searched = _end - _start;
            if (_eof)
            {
                if (searched == 0) return null;
                var rest = Encoding.UTF8.GetString(_buffer, _start, searched);
                _start = _end;
                return rest;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, searched);
                _end = searched;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2); // a line longer than the window
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (read == 0) _eof = true;
            _end += read;
        }
    }
}
