using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Dstack.Core.Workflows;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// Runs commands on one host through the system's <c>ssh</c> client, so that everything the user's SSH setup
/// does (config aliases, ProxyJump, agent, known_hosts) works as it does in their terminal. Never interactive
/// (<c>BatchMode</c>): a missing key or an unknown host key fails at once, as an <see cref="SshException"/>
/// naming the host and the fix. Connections are multiplexed (see <see cref="SshOptions"/>).
/// Thread-safe: each call is its own <c>ssh</c> process.
/// </summary>
public sealed class SshSession(SshHostAddress host, SshOptions options)
{
    public SshHostAddress Host { get; } = host;
    public SshOptions Options { get; } = options;

    /// <summary>
    /// The <c>ssh</c> arguments that run <paramref name="remoteCommand"/> (a line for the host's login shell), with
    /// <paramref name="extraOptions"/> (forwards) before the host.
    /// </summary>
    public IReadOnlyList<string> Arguments(string remoteCommand, IEnumerable<string>? extraOptions = null)
    {
        var args = new List<string>();
        if (Options.ConfigFile is { } config) args.AddRange(["-F", config]);
        if (Options.IdentityFile is { } identity) args.AddRange(["-i", identity, "-o", "IdentitiesOnly=yes"]);
        args.AddRange(["-o", "BatchMode=yes", "-o", $"ConnectTimeout={Options.ConnectTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}"]);
        if (Options.ControlDirectory is { } dir)
            args.AddRange(["-o", "ControlMaster=auto", "-o", $"ControlPath={dir}/%C",
                "-o", $"ControlPersist={Options.ControlPersistSeconds.ToString(CultureInfo.InvariantCulture)}"]);
        else
            args.AddRange(["-o", "ControlMaster=no", "-o", "ControlPath=none"]);
        if (Host.User is { } user) args.AddRange(["-l", user]);
        if (Host.Port is { } port) args.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        if (extraOptions is not null) args.AddRange(extraOptions);
        args.AddRange(["-T", "--", Host.Host, remoteCommand]);
        return args;
    }

    /// <summary>The plain <c>ssh</c> command a user types to try this host by hand, as an error's fix names it.</summary>
    public string TryCommand =>
        "ssh" + (Options.ConfigFile is { } c ? $" -F {ShellQuote.Quote(c)}" : "") + (Options.IdentityFile is { } i ? $" -i {ShellQuote.Quote(i)}" : "")
        + (Host.Port is { } p ? $" -p {p.ToString(CultureInfo.InvariantCulture)}" : "")
        + $" {(Host.User is { } u ? u + "@" : "")}{Host.Host} true";

    /// <summary>
    /// Runs the command; <paramref name="stdin"/> (secrets, a file) goes to its standard input and never into a
    /// command line. Returns whatever the command's exit code; throws <see cref="SshException"/> when ssh could not connect.
    /// </summary>
    public async Task<SshResult> RunAsync(string remoteCommand, Stream? stdin, CancellationToken ct)
    {
        if (Options.ControlDirectory is { } dir) EnsurePrivateDirectory(dir);
        var psi = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(remoteCommand)) psi.ArgumentList.Add(arg);
        Process process;
        try { process = Process.Start(psi) ?? throw SshException.NoSshClient(); }
        catch (Win32Exception) { throw SshException.NoSshClient(); }
        using (process)
        {
            using var kill = ct.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                if (stdin is not null) await stdin.CopyToAsync(process.StandardInput.BaseStream, ct);
            }
            catch (IOException) { /* the remote command stopped reading: its exit code tells why */ }
            finally
            {
                try { process.StandardInput.Close(); } catch (IOException) { }
            }
            await process.WaitForExitAsync(ct);
            var result = new SshResult(process.ExitCode, await stdout, await stderr);
            if (result.ExitCode == 255 && IsSshFailure(result.StdErr))
                throw SshFailure.Classify(Host.ToString(), result.StdErr, Options.IdentityFile, TryCommand);
            return result;
        }
    }

    /// <summary>Runs the command and returns its output; a non-zero exit is an <see cref="SshException"/> naming <paramref name="what"/>.</summary>
    public async Task<string> RunCheckedAsync(string remoteCommand, string what, Stream? stdin, CancellationToken ct)
    {
        var result = await RunAsync(remoteCommand, stdin, ct);
        if (result.ExitCode != 0)
            throw SshException.Failed(Host.ToString(), what,
                result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {result.ExitCode}");
        return result.StdOut;
    }

    /// <summary>A remote command exiting 255 prints its own errors; ssh's own failures start with "ssh:" or name the connection.</summary>
    private static bool IsSshFailure(string stderr) =>
        stderr.Length == 0 || stderr.Contains("ssh:", StringComparison.Ordinal) || stderr.Contains("Permission denied", StringComparison.Ordinal)
        || stderr.Contains("Host key verification failed", StringComparison.Ordinal) || stderr.Contains("Connection", StringComparison.Ordinal)
        || stderr.Contains("kex_exchange_identification", StringComparison.Ordinal) || stderr.Contains("host key", StringComparison.Ordinal);

    private static void EnsurePrivateDirectory(string dir)
    {
        if (Directory.Exists(dir)) return;
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
