namespace Dstack.Core.Storage;

/// <summary>
/// Reads another stream through, hashing what passes (SHA-256); at its end the hash must be the expected one, or the
/// read that reaches the end throws a <see cref="StoreContentException"/>. So content is checked while it streams: a
/// reader that copied everything without an exception got exactly the content the hash names.
/// </summary>
/// <remarks><paramref name="size"/>, when known, lets small content be hashed without loading OpenSSL (<see cref="ContentHash"/>).</remarks>
public sealed class HashVerifyingStream(Stream inner, string expectedHash, string owner, long? size = null) : Stream
{
    private readonly IncrementalContentHash _hash = ContentHash.Incremental(size);
    private bool _verified;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        return Account(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var read = await inner.ReadAsync(buffer, ct);
        return Account(buffer.Span[..read]);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0)
        {
            _hash.Append(data);
            return data.Length;
        }
        if (!_verified)
        {
            var actual = _hash.FinishHex();
            if (actual != expectedHash) throw StoreContentException.Mismatch("Stored content", expectedHash, owner);
            _verified = true;
        }
        return 0;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
