using System.Net;
using System.Net.Sockets;

namespace Dstack.Core.Compute.Ssh;

/// <summary>Which port of this machine's loopback each of a job's ports is forwarded to: its own number when free here, else a free one.</summary>
public static class LocalPortChoice
{
    /// <summary>
    /// One local port per remote port, in order, never the same twice. <paramref name="isFree"/> says whether a number can
    /// be taken here; <paramref name="anyFree"/> gives a free one (the system's choice).
    /// </summary>
    public static IReadOnlyList<ForwardedPort> Choose(IReadOnlyList<int> remote, Func<int, bool> isFree, Func<int> anyFree)
    {
        var taken = new HashSet<int>();
        var chosen = new List<ForwardedPort>(remote.Count);
        foreach (var port in remote)
        {
            var local = !taken.Contains(port) && isFree(port) ? port : Other(anyFree, taken);
            taken.Add(local);
            chosen.Add(new ForwardedPort(port, local));
        }
        return chosen;
    }

    private static int Other(Func<int> anyFree, HashSet<int> taken)
    {
        // The system hands out ports round the range: one already chosen comes back only by a rare wrap.
        for (var i = 0; i < 100; i++)
            if (anyFree() is var port && !taken.Contains(port)) return port;
        throw new InvalidOperationException("No free loopback port is left.");
    }

    /// <summary>Whether a listener can take <paramref name="port"/> on 127.0.0.1 now (a privileged port, for a user, cannot).</summary>
    public static bool IsFree(int port)
    {
        if (port is < 1 or > 65535) return false;
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>A port of 127.0.0.1 that was free a moment ago, as the system chooses.</summary>
    public static int AnyFree()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
