using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// Forwards a job's ports from its SSH host to this machine's loopback: one <c>ssh -N</c>-like process of its own per job
/// (<c>-L 127.0.0.1:LOCAL:127.0.0.1:REMOTE</c> each), with its own connection rather than the ControlMaster's, whose
/// forwards would outlive this process and end with the master's idle timeout. Its remote command reads standard input
/// until the end, so that when this process ends in any way (its end of the pipe closes) the forward ends too.
/// </summary>
public sealed class SshPortForward : IPortForward
{
    private const string ReadyLine = "dstack-forward-ready";

    /// <summary>How long the connection and its listeners may take (ssh's own connect timeout comes first).</summary>
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Task _stderr;
    private int _disposed;

    private SshPortForward(Process process, Task stderr, IReadOnlyList<ForwardedPort> ports)
    {
        _process = process;
        _stderr = stderr;
        Ports = ports;
        ProcessId = process.Id;
    }

    public IReadOnlyList<ForwardedPort> Ports { get; }

    /// <summary>The ssh process, for whoever records that the forward is open.</summary>
    public int ProcessId { get; }

    /// <summary>Opens the forwards once the listeners are up; throws <see cref="SshException"/> naming the host otherwise.</summary>
    public static Task<SshPortForward> OpenAsync(SshSession session, IReadOnlyList<int> ports, TimeProvider time, CancellationToken ct) =>
        OpenAsync(session, Loopback, ports, time, ct);

    /// <summary>
    /// The same to <paramref name="destination"/>'s ports as the SSH host reaches them: a Slurm node's, through the
    /// cluster's login host.
    /// </summary>
    public static async Task<SshPortForward> OpenAsync(SshSession session, string destination, IReadOnlyList<int> ports, TimeProvider time, CancellationToken ct)
    {
        // A port seen free may be taken before ssh binds it: once more, with fresh choices.
        for (var attempt = 1; ; attempt++)
        {
            var chosen = LocalPortChoice.Choose(ports, LocalPortChoice.IsFree, LocalPortChoice.AnyFree);
            var (forward, error) = await TryOpenAsync(session, destination, chosen, time, ct);
            if (forward is not null) return forward;
            if (attempt == 2 || !error.Contains("cannot listen", StringComparison.Ordinal) && !error.Contains("Address already in use", StringComparison.Ordinal))
                throw SshException.ForwardFailed(session.Host.ToString(),
                    error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "ssh ended");
        }
    }

    /// <summary>The ssh arguments: no multiplexing, and ssh ends rather than run without a listener it could not open.</summary>
    public static IReadOnlyList<string> Arguments(SshSession session, IReadOnlyList<ForwardedPort> ports, string destination = Loopback)
    {
        var options = new List<string> { "-o", "ExitOnForwardFailure=yes", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4" };
        foreach (var port in ports)
            options.AddRange(["-L", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port.Local}:{Bracketed(destination)}:{port.Remote}")]);
        return new SshSession(session.Host, session.Options with { ControlDirectory = null })
            .Arguments($"echo {ReadyLine}; exec cat >/dev/null", options);
    }

    private const string Loopback = "127.0.0.1";

    /// <summary>An IPv6 address in <c>-L</c> is written in brackets; a name or an IPv4 address as it is.</summary>
    private static string Bracketed(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;

    private static async Task<(SshPortForward? Forward, string Error)> TryOpenAsync(SshSession session, string destination, IReadOnlyList<ForwardedPort> ports,
        TimeProvider time, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in Arguments(session, ports, destination)) psi.ArgumentList.Add(arg);
        Process process;
        try { process = Process.Start(psi) ?? throw SshException.NoSshClient(); }
        catch (Win32Exception) { throw SshException.NoSshClient(); }
        var errors = new Queue<string>();
        var stderr = DrainAsync(process.StandardError, errors);
        using var timeout = new CancellationTokenSource(OpenTimeout, time);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        string? line;
        try { line = await process.StandardOutput.ReadLineAsync(both.Token); }
        catch (OperationCanceledException) { line = null; }
        if (line == ReadyLine) return (new SshPortForward(process, stderr, ports), "");
        var forward = new SshPortForward(process, stderr, ports);
        await forward.DisposeAsync();
        ct.ThrowIfCancellationRequested();
        lock (errors) return (null, timeout.IsCancellationRequested ? $"no answer within {OpenTimeout.TotalSeconds:0} s" : string.Join('\n', errors));
    }

    /// <summary>Keeps ssh's last complaints (a refused connection to a port nothing listens on yet) without letting its pipe fill.</summary>
    private static async Task DrainAsync(StreamReader reader, Queue<string> last)
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (last)
            {
                last.Enqueue(line);
                if (last.Count > 20) last.Dequeue();
            }
    }

    /// <summary>Ends the ssh process, and with it the forwards; idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already gone */ }
        await _process.WaitForExitAsync(CancellationToken.None);
        await _stderr;
        _process.Dispose();
    }
}
