using System.Net.Sockets;
using System.Text;

namespace Dstack.Core.Runner;

/// <summary>
/// Waits for a dev environment's server to answer HTTP on its port: any status line counts (Jupyter redirects to its
/// login, code-server to <c>/login</c>), a refused or silent connection does not. Asks again every
/// <see cref="Interval"/> until the job exits or the deadline passes.
/// </summary>
public sealed class ServerProbe(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Whether the server answered before <paramref name="deadline"/> and before <paramref name="exited"/> completed.</summary>
    public async Task<bool> WaitAsync(string host, int port, Task exited, TimeSpan deadline, CancellationToken ct)
    {
        var giveUpAt = time.GetUtcNow() + deadline;
        while (!exited.IsCompleted && time.GetUtcNow() < giveUpAt)
        {
            if (await AnswersAsync(host, port, ct)) return true;
            await Task.WhenAny(exited, Task.Delay(Interval, time, ct));
        }
        return false;
    }

    /// <summary>One try: a <c>GET /</c> whose reply starts with an HTTP status line.</summary>
    public async Task<bool> AnswersAsync(string host, int port, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(AttemptTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, attempt.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"), attempt.Token);
            var buffer = new byte[5];
            var read = 0;
            while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), attempt.Token) is var n and > 0) read += n;
            return read == buffer.Length && Encoding.ASCII.GetString(buffer) == "HTTP/";
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }
}
