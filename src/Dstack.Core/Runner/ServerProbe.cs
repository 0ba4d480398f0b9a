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

    /// <summary>The server's answer, if it answered before <paramref name="deadline"/> and before <paramref name="exited"/> completed.</summary>
    public async Task<ServerAnswer?> WaitAsync(string host, int port, Task exited, TimeSpan deadline, CancellationToken ct)
    {
        var giveUpAt = time.GetUtcNow() + deadline;
        while (!exited.IsCompleted && time.GetUtcNow() < giveUpAt)
        {
            if (await AskAsync(host, port, ct) is { } answer) return answer;
            await Task.WhenAny(exited, Task.Delay(Interval, time, ct));
        }
        return null;
    }

    /// <summary>One try: a <c>GET /</c> whose reply starts with an HTTP status line.</summary>
    public async Task<bool> AnswersAsync(string host, int port, CancellationToken ct) => await AskAsync(host, port, ct) is not null;

    /// <summary>One try: the status and <c>Location</c> of the reply's head to <c>GET /</c>, or null when no HTTP reply came.</summary>
    public async Task<ServerAnswer?> AskAsync(string host, int port, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(AttemptTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, attempt.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"), attempt.Token);
            var buffer = new byte[MaxHead];
            var read = 0;
            while (read < buffer.Length && !HeadEnded(buffer.AsSpan(0, read)) && await stream.ReadAsync(buffer.AsMemory(read), attempt.Token) is var n and > 0)
                read += n;
            return Parse(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>Enough of a reply for its status line and headers; the body is never read.</summary>
    private const int MaxHead = 8192;

    private static bool HeadEnded(ReadOnlySpan<byte> head) => head.IndexOf("\r\n\r\n"u8) >= 0;

    /// <summary>The status and <c>Location</c> of a reply's head (as far as it came), or null when it is not HTTP.</summary>
    public static ServerAnswer? Parse(string head)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ');
        if (!lines[0].StartsWith("HTTP/", StringComparison.Ordinal) || status.Length < 2 || !int.TryParse(status[1], out var code)) return null;
        var location = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Location:", StringComparison.OrdinalIgnoreCase))?["Location:".Length..].Trim();
        return new ServerAnswer(code, location);
    }
}
