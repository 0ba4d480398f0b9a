using System.Diagnostics;
using System.Text.Json;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The real sshd hosts h1, h2, h3 the SSH tests use: network namespaces with their own address, hostname, home and
/// process list, started by <c>scripts/ssh-hosts/up.sh</c> (the test script runs it), described by
/// <c>/tmp/ssh-hosts/hosts.json</c> (<c>DSTACK_TEST_SSH_HOSTS</c> to point elsewhere). Outside CI a missing
/// host is started here (up.sh is idempotent); under <c>CI=true</c> it is a failure naming the script: never a silent skip.
/// Tests look at the hosts directly with <see cref="RunAsync"/> (plain ssh, never through dstack).
/// h3 is the one tests may break (<see cref="StopSshdAsync"/>, <see cref="CutNetworkAsync"/>), each restoring it in a
/// finally; h1 and h2 are shared by tests that run at once and must stay as they are.
/// </summary>
public sealed class SshHosts
{
    private static readonly Lazy<Task<SshHosts>> Shared = new(LoadAsync);

    private SshHosts(string root, string gateway, string s3Endpoint, IReadOnlyList<SshTestHost> hosts)
    {
        Root = root;
        Gateway = gateway;
        S3Endpoint = s3Endpoint;
        Hosts = hosts;
    }

    public static string JsonPath => Environment.GetEnvironmentVariable("DSTACK_TEST_SSH_HOSTS") ?? "/tmp/ssh-hosts/hosts.json";

    /// <summary>The folder up.sh writes to: the client's ssh_config, known_hosts and key.</summary>
    public string Root { get; }

    /// <summary>The machine's address on the hosts' bridge.</summary>
    public string Gateway { get; }

    /// <summary>The S3 server as the hosts reach it (the machine's loopback is not theirs).</summary>
    public string S3Endpoint { get; }

    public IReadOnlyList<SshTestHost> Hosts { get; }

    public SshTestHost this[string name] => Hosts.Single(h => h.Name == name);

    /// <summary>An ssh config naming every host (Host h1 …), with the key and known_hosts that work.</summary>
    public string ConfigFile => Path.Combine(Root, "ssh_config");

    public string KnownHostsFile => Path.Combine(Root, "known_hosts");

    public static Task<SshHosts> GetAsync() => Shared.Value;

    /// <summary>How many hosts up.sh starts (SSH_HOSTS_N): test.sh starts the same.</summary>
    public const int Count = 3;

    /// <summary>Stops hN's sshd (and its sessions) with the host and what runs on it up; back when it refuses connections.</summary>
    public Task StopSshdAsync(string host) => ScriptAsync("sshd.sh", "stop", host);

    /// <summary>Starts hN's sshd again; back when it accepts connections (at most 10 s).</summary>
    public Task StartSshdAsync(string host) => ScriptAsync("sshd.sh", "start", host);

    /// <summary>Takes hN off its network: nothing reaches it, and what runs there reaches nothing (the store neither).</summary>
    public Task CutNetworkAsync(string host) => ScriptAsync("net.sh", "cut", host);

    /// <summary>Puts hN back on its network; back when its sshd answers (at most 10 s).</summary>
    public Task RestoreNetworkAsync(string host) => ScriptAsync("net.sh", "restore", host);

    /// <summary>
    /// A Docker daemon of each host's own (scripts/ssh-hosts/docker.sh: the machine's cannot serve them), answering the
    /// host's SSH user. Outside CI a missing one is started (the script is idempotent); under <c>CI=true</c> it is a
    /// failure naming the script (test.sh runs it).
    /// </summary>
    public async Task EnsureDockerAsync(params string[] hosts)
    {
        if (Environment.GetEnvironmentVariable("CI") != "true")
        {
            var path = Path.Combine(DstackBinary.RepoRoot, "scripts", "ssh-hosts", "docker.sh");
            var (code, stdout, stderr) = await RunProcessAsync(path, [.. hosts.Select(h => h.TrimStart('h'))]);
            if (code != 0) throw new InvalidOperationException($"docker.sh {string.Join(' ', hosts)} failed (exit {code}):\n{stdout}\n{stderr}");
        }
        foreach (var host in hosts)
        {
            var (code, _, stderr) = await RunProcessAsync("ssh", ["-F", ConfigFile, host, "docker info >/dev/null"]);
            if (code != 0) throw new InvalidOperationException($"No Docker on {host} ({stderr.Trim()}): start it with scripts/ssh-hosts/docker.sh (the test script does).");
        }
    }

    /// <summary>The names of the containers (running or not) of <paramref name="run"/> on <paramref name="host"/>'s daemon.</summary>
    public async Task<IReadOnlyList<string>> ContainersAsync(string host, string run) =>
        (await RunAsync(host, $"docker ps -a --format '{{{{.Names}}}}' --filter label=dstack.run={run}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task ScriptAsync(string script, string verb, string host)
    {
        var path = Path.Combine(DstackBinary.RepoRoot, "scripts", "ssh-hosts", script);
        var (code, stdout, stderr) = await RunProcessAsync(path, [verb, host.TrimStart('h')]);
        if (code != 0) throw new InvalidOperationException($"{script} {verb} {host} failed (exit {code}):\n{stdout}\n{stderr}");
    }

    /// <summary>Runs <paramref name="command"/> on the host with the recipe's own ssh config; fails on a non-zero exit.</summary>
    public async Task<string> RunAsync(string host, string command)
    {
        var (code, stdout, stderr) = await RunProcessAsync("ssh", ["-F", ConfigFile, host, command]);
        if (code != 0) throw new InvalidOperationException($"ssh {host} '{command}' exited {code}: {stderr}");
        return stdout;
    }

    private static async Task<SshHosts> LoadAsync()
    {
        var up = Path.Combine(DstackBinary.RepoRoot, "scripts", "ssh-hosts", "up.sh");
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            if (!File.Exists(JsonPath))
                throw new InvalidOperationException($"No SSH test hosts: {JsonPath} is missing. Start them with scripts/ssh-hosts/up.sh (the test script does).");
        }
        else
        {
            var (code, stdout, stderr) = await RunProcessAsync(up, [], new() { ["SSH_HOSTS_N"] = Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            if (code != 0) throw new InvalidOperationException($"scripts/ssh-hosts/up.sh failed (exit {code}):\n{stdout}\n{stderr}");
        }
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(JsonPath));
        var root = json.RootElement;
        var hosts = root.GetProperty("hosts").EnumerateArray().Select(h => new SshTestHost(
            h.GetProperty("name").GetString()!, h.GetProperty("address").GetString()!, h.GetProperty("port").GetInt32(),
            h.GetProperty("user").GetString()!, h.GetProperty("identityFile").GetString()!, h.GetProperty("hostKey").GetString()!)).ToList();
        var hostsRoot = Path.GetDirectoryName(Path.GetFullPath(JsonPath))!;
        var result = new SshHosts(hostsRoot, root.GetProperty("gateway").GetString()!, root.GetProperty("s3Endpoint").GetString()!, hosts);
        // Answering, not just described: a stale hosts.json from before a reboot fails here with ssh's reason.
        foreach (var host in hosts) (await result.RunAsync(host.Name, "hostname")).Trim().ShouldBe(host.Name);
        return result;
    }

    private static async Task<(int Code, string StdOut, string StdErr)> RunProcessAsync(string file, string[] args, Dictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var (name, value) in env ?? []) psi.Environment[name] = value;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
