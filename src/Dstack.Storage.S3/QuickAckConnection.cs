using System.Net.Http;
using System.Net.Sockets;

namespace Dstack.Storage.S3;

/// <summary>
/// Connections that acknowledge what they receive at once. A server that writes an answer's headers and body as two
/// segments with Nagle's algorithm on (Ceph's RGW does by default) holds the body until the headers are acknowledged, and
/// on a connection already used Linux delays that acknowledgement by up to 40 ms: every request after a connection's first
/// waited ≈ 40 ms for its body (strace of a plain <c>ps</c>: headers at 940 ms, body at 981 ms). Before each read the socket
/// is put in quick-ack mode (<c>TCP_QUICKACK</c>, which also sends an acknowledgement pending), so the body follows at once.
/// </summary>
internal static class QuickAckConnection
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new QuickAckStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class QuickAckStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
    {
        private const int IpProtoTcp = 6, TcpQuickAck = 12; // <netinet/tcp.h>
        private static readonly byte[] On = BitConverter.GetBytes(1);

        public override int Read(Span<byte> buffer)
        {
            QuickAck();
            return base.Read(buffer);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            QuickAck();
            return base.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            QuickAck();
            return base.ReadAsync(buffer, ct);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            QuickAck();
            return base.ReadAsync(buffer, offset, count, ct);
        }

        private void QuickAck()
        {
            if (!OperatingSystem.IsLinux()) return;
            try { Socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, On); }
            catch (SocketException) { } // only a speed-up: a socket that refuses it reads as before
            catch (ObjectDisposedException) { } // the read that follows says so
        }
    }
}
