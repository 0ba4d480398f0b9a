using System.Collections.Concurrent;
using System.Globalization;
using Dstack.Core.Config;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Workflows;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// Runs runners on the hosts of an SSH target. Each host is probed once per instance (capacity, Docker, Pythons, and
/// whether a local store folder is visible there, and what its runner ledger holds now) when a job needs it: one that asks
/// for nothing, with an S3 store, goes to the first host that answers without a probe. Otherwise a job goes to a host that has
/// what it needs, where it starts now if there is one (<see cref="SshHostChoice"/>). dstack's executable is shipped once per version
/// (<see cref="BinaryShipper"/>), then the runner is started detached (<c>setsid</c>) in one round trip, with the store's
/// credentials over standard input into a 0600 file it reads and deletes. Alive, kill and clean-up go through ssh:
/// the runner needs no connection back.
/// </summary>
/// <param name="executable">This dstack executable, copied to the hosts.</param>
/// <param name="executableArgs">Arguments before <c>runner …</c> (tests run a shell there).</param>
public sealed class SshCompute(ComputeTarget target, SshStore store, string dstackHome, string executable,
    IReadOnlyList<string> executableArgs, TimeProvider time) : ICompute, IForwardsPorts
{
    private readonly SshOptions _options = target.SshOptions(dstackHome);
    private readonly ConcurrentDictionary<string, Task<ShipResult>> _shipped = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sent = new(StringComparer.Ordinal);
    private Task<IReadOnlyList<(SshSession Session, HostFacts Facts)>>? _probed;

    /// <summary>
    /// When each runner was last seen alive. A follower asks at every poll (50–150 ms); a runner seen alive within
    /// <see cref="AliveFor"/> is not asked again, sparing an ssh round trip per poll. "Gone" is final and never kept.
    /// </summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seenAlive = new(StringComparer.Ordinal);
    public static readonly TimeSpan AliveFor = TimeSpan.FromSeconds(1);

    public string Name => target.Name;

    /// <summary>A job listens on its host; an attached CLI forwards each port here (<see cref="ForwardAsync"/>).</summary>
    public PortAccess Ports => new(target.Hosts[0].Host, PortRoute.Forwarded);

    /// <summary>On the host the launch names, by the address the target gives it (also the job's <c>HOSTNAME</c>).</summary>
    public PortAccess? PortsOf(LaunchInfo launch, string? jobHost) => Find(launch) is var (session, _) ? new(session.Host.Host, PortRoute.Forwarded) : null;

    public async Task<IPortForward> ForwardAsync(LaunchInfo launch, string? jobHost, IReadOnlyList<int> ports, CancellationToken ct) =>
        Find(launch) is var (session, _)
            ? await SshPortForward.OpenAsync(new SshSession(session.Host, _options), ports, time, ct)
            : throw SshException.ForwardFailed(launch.Handle, "not a launch of this target");

    public async Task<ComputeCapabilities> GetCapabilitiesAsync(CancellationToken ct)
    {
        var hosts = await ProbedAsync(ct);
        return new ComputeCapabilities(hosts.Select(h => h.Facts.Capacity with { Description = h.Session.Host.ToString() }).ToList(),
            hosts.Any(h => h.Facts.Docker), hosts.SelectMany(h => h.Facts.Pythons).Distinct().ToList(), Ports,
            MultiNode: true, Preemptible: false);
    }

    public async Task<SubmitRefusal?> CheckAsync(JobSpec job, CancellationToken ct)
    {
        // Nothing to refuse: any host that answers takes it (with a local store, whether a host sees it must be probed).
        // A multi-node run needs as many hosts as nodes: which answer must be asked.
        if (!SubmitCheck.AsksForAnything(job) && store.LocalFolder is null && !job.IsMultiNode) return null;
        if (store.LocalFolder is not null && !(await ProbedAsync(ct)).Any(h => h.Facts.StoreVisible == true))
            return SubmitRefusal.StoreNotOnHosts(Name);
        var hosts = (await ProbedAsync(ct)).Select(h => (h.Session.Host.ToString(), h.Facts)).ToList();
        return SshHostChoice.WhyNone(hosts, await GetCapabilitiesAsync(ct), job, Name, store.LocalFolder is not null)
            ?? (job.IsMultiNode ? SshHostChoice.WhyNoGang(hosts, job, Name, store.LocalFolder is not null) : null);
    }

    public async Task<LaunchInfo> StartRunnerAsync(RunnerTarget runner, CancellationToken ct)
    {
        if (runner.Nodes > 1) return await StartNodeAsync(runner, ct);
        if (NeedsNoProbe(runner)) return await StartOnFirstAnsweringAsync(runner, ct);
        var candidates = SshHostChoice.Candidates(await ProbedAsync(ct), h => WithSent(h.Session, h.Facts), runner, store.LocalFolder is not null);
        if (candidates.Count == 0) throw SshException.NoHostFits(Name);
        SshException? last = null;
        foreach (var (session, _) in candidates)
        {
            try
            {
                var launch = await StartOnAsync(session, runner, ct);
                if (runner.Resources is { Cpu: not null } or { MemoryBytes: not null } or { GpuCount: > 0 })
                    _sent.AddOrUpdate(session.Host.ToString(), 1, (_, n) => n + 1);
                return launch;
            }
            catch (SshException e) when (e.Problem == SshProblem.Unreachable) { last = e; }  // gone since the probe: the next one
        }
        throw last!;
    }

    /// <summary>The hosts of each multi-node run being started, in rank order, and the nodes started so far.</summary>
    private readonly ConcurrentDictionary<string, (IReadOnlyList<SshSession> Hosts, List<LaunchInfo> Started)> _gangs = new(StringComparer.Ordinal);

    /// <summary>
    /// A node of a multi-node run, started in rank order: rank 0 places the whole run (<see cref="SshHostChoice.Gang"/>),
    /// N distinct hosts at once, and each rank starts on its own. Together or not at all: when a node cannot be started,
    /// the nodes started before it are killed and the submit fails.
    /// </summary>
    private async Task<LaunchInfo> StartNodeAsync(RunnerTarget runner, CancellationToken ct)
    {
        var key = JobKey.Of(runner.Repo, runner.RunName, 0);
        if (runner.JobIndex == 0)
        {
            var placed = SshHostChoice.Gang(await ProbedAsync(ct), h => WithSent(h.Session, h.Facts), runner, store.LocalFolder is not null);
            if (placed.Count == 0) throw SshException.NoHostsForNodes(Name, runner.Nodes);
            _gangs[key] = (placed.Select(p => p.Session).ToList(), []);
        }
        var (hosts, started) = _gangs[key];
        try
        {
            var launch = await StartOnAsync(hosts[runner.JobIndex], runner, ct);
            if (runner.Resources is { Cpu: not null } or { MemoryBytes: not null } or { GpuCount: > 0 })
                _sent.AddOrUpdate(hosts[runner.JobIndex].Host.ToString(), 1, (_, n) => n + 1);
            started.Add(launch);
            if (runner.JobIndex == runner.Nodes - 1) _gangs.TryRemove(key, out _);
            return launch;
        }
        catch (Exception e) when (e is SshException or OperationCanceledException)
        {
            _gangs.TryRemove(key, out _);
            foreach (var launch in started) await KillRunnerAsync(launch, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Whether a job may skip the probe: one that asks for no CPUs, memory, GPUs, image or Python fits every host and
    /// never queues (<see cref="HostLoad.FitsNow"/>), and with a store the host reaches over the network (S3) there is
    /// nothing to learn about a host before starting it there: the start script is the probe.
    /// </summary>
    private bool NeedsNoProbe(RunnerTarget runner) =>
        store.LocalFolder is null && runner.Image is null && runner.Python is null
        && runner.Resources is null or { Cpu: null, MemoryBytes: null, GpuCount: 0 };

    /// <summary>
    /// Starts the runner on the first host, in the target's order, that answers, as the probe would have chosen (every
    /// host fits such a job now). A host that cannot be reached or logged into is passed for the next, as one that failed
    /// the probe is; with none left, the first host's error names it and the fix.
    /// </summary>
    private async Task<LaunchInfo> StartOnFirstAnsweringAsync(RunnerTarget runner, CancellationToken ct)
    {
        SshException? first = null;
        foreach (var host in target.Hosts)
        {
            try { return await StartOnAsync(new SshSession(host, _options), runner, ct); }
            catch (SshException e) when (e.Problem != SshProblem.Other) { first ??= e; }
        }
        throw first ?? SshException.NoHostFits(Name);
    }

    /// <summary>
    /// One round trip when this version of dstack is already on the host (every run after the first): the start script
    /// itself finds the binary by its hash. Only when it is missing is it shipped (<see cref="BinaryShipper"/>) and the
    /// start tried again.
    /// </summary>
    private async Task<LaunchInfo> StartOnAsync(SshSession session, RunnerTarget runner, CancellationToken ct)
    {
        var binary = _shipped.TryGetValue(session.Host.ToString(), out var shipping)
            ? ShellQuote.Quote((await shipping).RemotePath) : $"\"$HOME\"/{BinaryShipper.RemoteFolder}/{await FileHashCache.HashAsync(executable, ct)}/dstack";
        var output = await TryStartAsync(session, runner, binary, ct);
        if (output == MissingBinary)
        {
            var shipped = await _shipped.GetOrAdd(session.Host.ToString(), _ => BinaryShipper.ShipAsync(session, executable, ct));
            output = await TryStartAsync(session, runner, ShellQuote.Quote(shipped.RemotePath), ct);
        }
        Diagnostics.StageTrace.Mark($"ssh: runner started on {session.Host}");
        var handle = SshLaunchHandle.Parse($"{session.Host} {output}")
            ?? throw SshException.Failed(session.Host.ToString(), "starting the runner", $"unexpected answer '{output}'");
        return new LaunchInfo(Name, handle.Format(), time.GetUtcNow());
    }

    /// <summary>What the start script answers, before reading anything, when the binary it is given is not there.</summary>
    private const string MissingBinary = "missing";

    /// <summary>Starts the runner with <paramref name="binary"/> (a shell word); returns "PID START-TICKS", or <see cref="MissingBinary"/>.</summary>
    private async Task<string> TryStartAsync(SshSession session, RunnerTarget runner, string binary, CancellationToken ct)
    {
        var jobKey = JobKey.Of(runner.Repo, runner.RunName, runner.JobIndex);
        var credentials = store.Credentials();
        var args = new List<string>(executableArgs)
        {
            "runner", "--repo", runner.Repo.Id, "--run", runner.RunName, "--job", runner.JobIndex.ToString(CultureInfo.InvariantCulture),
            "--hostname", session.Host.Host,
        };
        // The address this machine reached the host at (sshd's SSH_CONNECTION), which the other hosts reach too, unless
        // the target names it by an IP already; an alias only this machine's SSH config knows would mean nothing there.
        var script = $"set -e; b={binary}; [ -x \"$b\" ] || {{ echo {MissingBinary}; exit 0; }}\n"
            + NodeAddressScript(session.Host.Host)
            + $"umask 077; h={HomeExpression}; mkdir -p \"$h/tmp/runners\" \"$h/tmp/creds\"\n"
            + (store.ConfigYaml is { } yaml ? $"printf '%s' {ShellQuote.Quote(yaml)} > \"$h/config.yaml\"\n" : "")
            // The credentials come over standard input only; the runner reads the file and deletes it.
            + (credentials is null ? "cat > /dev/null; c=\n" : $"c=\"$h/tmp/creds/{jobKey}.$$\"; cat > \"$c\"\n")
            + $"cd \"$h\"; DSTACK_HOME=\"$h\"{(Diagnostics.StageTrace.Enabled ? " DSTACK_TRACE=1" : "")} setsid \"$b\" {ShellQuote.Join(args)} --node-address \"$a\" ${{c:+--credentials \"$c\"}}"
            + $" </dev/null >>\"$h/tmp/runners/{jobKey}.log\" 2>&1 &\n"
            + "p=$!; s=$(cat /proc/$p/stat); set -- ${s##*) }; echo \"$p ${20}\"\n";
        using var stdin = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(credentials ?? ""));
        return (await session.RunCheckedAsync(script, "starting the runner", stdin, ct)).Trim();
    }

    /// <summary>Shell lines setting <c>a</c> to the host's address as the other hosts see it (<paramref name="host"/>: as the target names it).</summary>
    public static string NodeAddressScript(string host) =>
        System.Net.IPAddress.TryParse(host, out var ip) && !System.Net.IPAddress.IsLoopback(ip) ? $"a={ShellQuote.Quote(host)}\n"
            : $"set -- ${{SSH_CONNECTION:-}}; a=${{3:-}}; case \"$a\" in ''|127.*|::1) a={ShellQuote.Quote(host)};; esac\n";

    public async Task<bool?> IsRunnerAliveAsync(LaunchInfo launch, CancellationToken ct) => (await CheckRunnerAsync(launch, ct)).Alive;

    /// <summary>
    /// Asks the runner's host; when it does not answer within <see cref="AliveCheckTimeout"/> (a connection that hangs,
    /// as one to a host gone off the network may), it is unreachable and the heartbeat decides.
    /// </summary>
    public async Task<RunnerCheck> CheckRunnerAsync(LaunchInfo launch, CancellationToken ct)
    {
        if (Find(launch) is not var (session, handle)) return new(null);
        if (_seenAlive.TryGetValue(launch.Handle, out var seen) && time.GetUtcNow() - seen < AliveFor) return new(true);
        using var timeout = new CancellationTokenSource(AliveCheckTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var alive = (await session.RunAsync(IfAlive(handle.Pid, handle.StartTicks, "echo alive", "echo gone"), null, linked.Token)).StdOut.Trim() == "alive";
            if (alive) _seenAlive[launch.Handle] = time.GetUtcNow();
            return new(alive);
        }
        catch (SshException e) when (e.Problem is SshProblem.Unreachable or SshProblem.Other) { return RunnerCheck.HostUnreachable(handle.Host); }
        catch (SshException) { return new(null); }  // a key or host key problem: not the host's absence
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return RunnerCheck.HostUnreachable(handle.Host); }
    }

    /// <summary>How long an alive check may take: readers poll it (ssh's own connect timeout here is 5 s).</summary>
    public static readonly TimeSpan AliveCheckTimeout = TimeSpan.FromSeconds(8);

    public async Task KillRunnerAsync(LaunchInfo launch, CancellationToken ct)
    {
        if (Find(launch) is not var (session, handle)) return;
        _seenAlive.TryRemove(launch.Handle, out _);
        // Its group, and the pid itself: just after the launch, setsid may not have made it a group leader yet.
        var kill = $"kill -KILL -{handle.Pid} 2>/dev/null; kill -KILL {handle.Pid} 2>/dev/null; true";
        try { await session.RunAsync(IfAlive(handle.Pid, handle.StartTicks, kill, "true"), null, ct); }
        catch (SshException) { /* unreachable: nothing can be done from here */ }
    }

    public async Task CleanUpLostAsync(LaunchInfo launch, Heartbeat? beat, string jobKey, CancellationToken ct)
    {
        if (Find(launch) is not var (session, runner)) return;
        // A runner declared lost while its host did not answer may be alive now that it does: then nothing is left over.
        var script = $"{IfAlive(runner.Pid, runner.StartTicks, "exit 0", "true")}\n";
        script += beat is { JobPid: { } pid, JobStartTicks: { } ticks } && pid > 1
            ? IfAlive(pid, ticks, $"kill -KILL -{pid} 2>/dev/null", "true") + "\n" : "";
        // A container is the Docker daemon's and would outlive the runner; a credentials file the runner never read goes too.
        script += $"if command -v docker >/dev/null 2>&1; then ids=$(docker ps -aq --filter label={Docker.DockerCli.JobLabel}={ShellQuote.Quote(jobKey)} 2>/dev/null); "
            + "[ -z \"$ids\" ] || docker rm -f $ids >/dev/null 2>&1; fi\n"
            + $"h={HomeExpression}; rm -f \"$h/tmp/creds/{jobKey}\".*; true\n";
        try { await session.RunAsync(script, null, ct); }
        catch (SshException) { /* unreachable: nothing can be done from here */ }
    }

    /// <summary>The runner's dstack home on the host: the shared store folder itself, or one per bucket under the SSH user's home.</summary>
    private string HomeExpression => store.LocalFolder is { } folder ? ShellQuote.Quote(folder) : $"\"$HOME\"/.dstack/home/{store.Key}";

    /// <summary>A shell line running <paramref name="then"/> when pid lives with that start time (a zombie is gone), else <paramref name="otherwise"/>.</summary>
    private static string IfAlive(int pid, long ticks, string then, string otherwise) =>
        string.Create(CultureInfo.InvariantCulture,
            $"s=$(cat /proc/{pid}/stat 2>/dev/null) || s=; set -- ${{s##*) }}; if [ -n \"$s\" ] && [ \"$1\" != Z ] && [ \"${{20}}\" = {ticks} ]; then {then}; else {otherwise}; fi");

    private (SshSession Session, SshLaunchHandle Handle)? Find(LaunchInfo launch) =>
        SshLaunchHandle.Parse(launch.Handle) is { } handle && target.Hosts.FirstOrDefault(h => h.ToString() == handle.Host) is { } host
            ? (new SshSession(host, _options with { ConnectTimeoutSeconds = 5 }), handle) : null;

    /// <summary>
    /// The host's facts, counting the jobs this instance sent there since the probe as waiting in its ledger: their runners
    /// may not have taken their place yet, and the next job of a run must not count on the room they will take.
    /// </summary>
    private HostFacts WithSent(SshSession session, HostFacts facts)
    {
        if (!_sent.TryGetValue(session.Host.ToString(), out var sent)) return facts;
        var load = facts.Load ?? HostLoad.Idle;
        return facts with { Load = load with { Waiting = load.Waiting + sent } };
    }

    private Task<IReadOnlyList<(SshSession Session, HostFacts Facts)>> ProbedAsync(CancellationToken ct) => _probed ??= ProbeAllAsync(ct);

    private async Task<IReadOnlyList<(SshSession Session, HostFacts Facts)>> ProbeAllAsync(CancellationToken ct)
    {
        var sessions = target.Hosts.Select(h => new SshSession(h, _options)).ToList();
        var probes = sessions.Select(s => HostProbe.ProbeAsync(s, store.LocalFolder, ct)).ToList();
        try { await Task.WhenAll(probes); } catch (SshException) { /* each is looked at below */ }
        Diagnostics.StageTrace.Mark($"ssh: {sessions.Count} host(s) probed");
        var answered = sessions.Zip(probes).Where(p => p.Second.IsCompletedSuccessfully).Select(p => (p.First, p.Second.Result)).ToList();
        // With no host answering, the first host's error names it and the fix.
        return answered.Count > 0 ? answered : throw probes[0].Exception!.InnerException!;
    }
}
