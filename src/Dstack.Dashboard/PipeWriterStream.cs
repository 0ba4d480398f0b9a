using Dstack.Cli;
using System.Buffers;
using System.IO.Pipelines;

namespace Dstack.Dashboard;

/// <summary>
/// The response's <see cref="PipeWriter"/> as a write-only stream for <see cref="System.IO.Compression.ZipArchive"/>,
/// which writes each entry's small header synchronously (Kestrel refuses synchronous writes): those go into the pipe's
/// buffer without blocking, and go out with the next asynchronous write of the entry's data, so what waits in memory
/// is a header, never a file.
/// </summary>
public sealed class PipeWriterStream(PipeWriter writer) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        await writer.WriteAsync(buffer, cancellationToken);

    /// <summary>Nothing to do synchronously: buffered bytes leave with the next asynchronous write or flush.</summary>
    public override void Flush() { }

    public override async Task FlushAsync(CancellationToken cancellationToken) => await writer.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
