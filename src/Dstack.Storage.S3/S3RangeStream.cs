namespace Dstack.Storage.S3;

/// <summary>
/// An object read front to back in ranges, with up to <c>ahead</c> ranges fetched in parallel ahead of the reader:
/// a large object comes down over several connections, and the reader still sees its bytes in order (so that it can
/// hash them as they pass). Memory: at most <c>ahead + 1</c> ranges.
/// </summary>
internal sealed class S3RangeStream : Stream
{
    private readonly Func<long, long, CancellationToken, Task<byte[]>> _fetch;
    private readonly long _size;
    private readonly long _rangeSize;
    private readonly int _ahead;
    private readonly Queue<Task<byte[]>> _pending = new();
    private readonly CancellationTokenSource _cancel = new();
    private long _nextStart;
    private byte[] _current = [];
    private int _offset;

    /// <param name="fetch">fetches the bytes from <c>start</c> to <c>end</c>, both included.</param>
    public S3RangeStream(long size, long rangeSize, int ahead, Func<long, long, CancellationToken, Task<byte[]>> fetch)
    {
        (_size, _rangeSize, _ahead, _fetch) = (size, rangeSize, Math.Max(1, ahead), fetch);
        FetchAhead();
    }

    private void FetchAhead()
    {
        while (_pending.Count < _ahead && _nextStart < _size)
        {
            var start = _nextStart;
            var end = Math.Min(_size, start + _rangeSize) - 1;
            _nextStart = end + 1;
            _pending.Enqueue(_fetch(start, end, _cancel.Token));
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_offset == _current.Length)
        {
            if (_pending.Count == 0) return 0;
            _current = await _pending.Dequeue().WaitAsync(ct);
            _offset = 0;
            FetchAhead();
        }
        var count = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Ranges still in flight are not wanted any more; their failures (cancellations) are nobody's to report.
            _cancel.Cancel();
            foreach (var task in _pending) task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            _pending.Clear();
            _cancel.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _size;
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
