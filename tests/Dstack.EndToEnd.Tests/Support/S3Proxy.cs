using System.Net;
using System.Net.Sockets;
using System.Diagnostics;
using System.Text;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A TCP proxy on loopback in front of the S3 server, to do to dstack what a network does: slow uploads down
/// (<see cref="Throttle"/>), make the server go away (<see cref="Cut"/>: every connection is dropped, and later
/// ones are reset once their request line is read) until a chosen request comes, which brings it back, or make it
/// fall silent (<see cref="Silence"/>: connections are accepted and read, never answered).
/// </summary>
public sealed class S3Proxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly object _gate = new();
    private readonly HashSet<Socket> _open = [];
    private readonly List<string> _refused = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private Func<string, bool>? _cutUntil;
    private bool _silent;
    private TaskCompletionSource<string> _back = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytesPerSecond;
    private long _throttledBytes;
    private readonly Stopwatch _throttleClock = new();

    public S3Proxy(int? upstreamPort = null)
    {
        _upstreamPort = upstreamPort ?? S3Endpoint.Port;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The request lines that were reset while the server was away, in order.</summary>
    public IReadOnlyList<string> Refused { get { lock (_gate) return [.. _refused]; } }

    /// <summary>What clients sent (all connections together) since the last <see cref="Throttle"/>.</summary>
    public long SentBytes { get { lock (_gate) return _throttledBytes; } }

    /// <summary>Limits what clients send (all connections together) to <paramref name="bytesPerSecond"/> from now on.</summary>
    public void Throttle(long bytesPerSecond)
    {
        lock (_gate)
        {
            _bytesPerSecond = bytesPerSecond;
            _throttledBytes = 0;
            _throttleClock.Restart();
        }
    }

    /// <summary>
    /// The server goes away: every open connection is reset, and so is every new one, after its request line is read
    /// and recorded in <see cref="Refused"/>, until one whose request line matches <paramref name="until"/>: that
    /// request and all later ones are served again. Wait for that with <see cref="WaitUntilBackAsync"/>.
    /// </summary>
    public void Cut(Func<string, bool> until)
    {
        List<Socket> open;
        lock (_gate)
        {
            _cutUntil = until;
            _back = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            open = [.. _open];
        }
        foreach (var socket in open) Reset(socket);
    }

    /// <summary>
    /// The server hangs: every open connection is reset (so no pooled one is answered), and new ones are accepted and
    /// read but never answered, until <see cref="Restore"/>.
    /// </summary>
    public void Silence()
    {
        List<Socket> open;
        lock (_gate)
        {
            _silent = true;
            open = [.. _open];
        }
        foreach (var socket in open) Reset(socket);
    }

    /// <summary>The server is back for every request from now on.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _cutUntil = null;
            _silent = false;
            _back.TrySetResult("(restored)");
        }
    }

    /// <summary>The request line that brought the server back, once it came.</summary>
    public async Task<string> WaitUntilBackAsync(TimeSpan timeout)
    {
        Task<string> back;
        lock (_gate) back = _back.Task;
        try { return await back.WaitAsync(timeout); }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No request brought the server back in {timeout.TotalSeconds}s. Refused meanwhile:\n{string.Join("\n", Refused)}");
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket client)
    {
        using var owned = client;
        byte[] head = [];
        try
        {
            Func<string, bool>? cut;
            bool silent;
            lock (_gate)
            {
                _open.Add(client);
                cut = _cutUntil;
                silent = _silent;
            }
            if (silent)
            {
                await SwallowAsync(client);
                return;
            }
            if (cut is not null)
            {
                head = await ReadHeadAsync(client);
                var line = Encoding.ASCII.GetString(head).Split("\r\n")[0];
                lock (_gate)
                {
                    if (_cutUntil is { } stillCut && !stillCut(line))
                    {
                        _refused.Add(line);
                        cut = stillCut;
                    }
                    else
                    {
                        _cutUntil = null;
                        _back.TrySetResult(line);
                        cut = null;
                    }
                }
                if (cut is not null)
                {
                    Reset(client);
                    return;
                }
            }
            using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            lock (_gate) _open.Add(upstream);
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
                if (head.Length > 0) await upstream.SendAsync(head, _stop.Token);
                await Task.WhenAll(PumpAsync(client, upstream, throttled: true), PumpAsync(upstream, client, throttled: false));
            }
            finally
            {
                lock (_gate) _open.Remove(upstream);
            }
        }
        catch (Exception) { /* a dropped connection is what this proxy is for */ }
        finally
        {
            lock (_gate) _open.Remove(client);
        }
    }

    /// <summary>Reads whatever the client sends and never answers, until the client or the proxy gives up.</summary>
    private async Task SwallowAsync(Socket client)
    {
        var buffer = new byte[64 * 1024];
        while (await client.ReceiveAsync(buffer, _stop.Token) > 0) { }
    }

    /// <summary>Reads up to the end of the request head (or what came before the client gave up).</summary>
    private async Task<byte[]> ReadHeadAsync(Socket client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var head = new List<byte>();
        var buffer = new byte[8192];
        while (head.Count < 64 * 1024)
        {
            var read = await client.ReceiveAsync(buffer, timeout.Token);
            if (read == 0) break;
            head.AddRange(buffer.AsSpan(0, read));
            if (Encoding.ASCII.GetString(head.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal)) break;
        }
        return [.. head];
    }

    /// <summary>Copies one direction; the end of it is passed on (half-close), a broken side breaks the other one too.</summary>
    private async Task PumpAsync(Socket from, Socket to, bool throttled)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                if (throttled) await ThrottleAsync(read);
                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception)
        {
            Reset(from);
            Reset(to);
        }
    }

    private Task ThrottleAsync(int bytes)
    {
        TimeSpan wait;
        lock (_gate)
        {
            _throttledBytes += bytes;
            if (_bytesPerSecond <= 0) return Task.CompletedTask;
            wait = TimeSpan.FromSeconds((double)_throttledBytes / _bytesPerSecond) - _throttleClock.Elapsed;
        }
        return wait > TimeSpan.Zero ? Task.Delay(wait, _stop.Token) : Task.CompletedTask;
    }

    /// <summary>Closes with a TCP reset, as a server that went away does.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        List<Socket> open;
        lock (_gate) open = [.. _open];
        foreach (var socket in open) Reset(socket);
        await _accepting;
        _stop.Dispose();
    }
}
