using System.Globalization;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// Runs each job as one Slurm batch job whose script starts <c>dstack runner --slurm …</c> on the allocated node, so the
/// runner uses Slurm's allocation (<see cref="SlurmJobHost"/>). The cluster is read once per instance
/// (<c>scontrol show node -o</c>: nodes, CPUs, memory, GPUs by gres type). A submit is one script through the target's
/// shell: the store's credentials go over standard input into a 0600 file that the runner reads and deletes (never into
/// the batch script, which Slurm keeps readable by its admins, its command line or its environment); then <c>sbatch</c>
/// reads the batch script from a heredoc, with a clean environment. The launch handle is the job id; alive is
/// <c>squeue -j</c>, kill and clean-up are <c>scancel</c>.
/// </summary>
/// <param name="executable">This machine's dstack executable: the nodes start it by this path without a login host, or
/// its copy on the login host with one (<see cref="RunnerExecutableAsync"/>).</param>
/// <param name="executableArgs">Arguments before <c>runner …</c> (tests run a shell there).</param>
public sealed partial class SlurmCompute(ComputeTarget target, SshStore store, ISlurmShell shell, string executable,
    IReadOnlyList<string> executableArgs, TimeProvider time) : ICompute, IAbortsRunners, IStartsNodesTogether, IHoldsChecks
{
    private readonly SlurmSettings _settings = target.Slurm ?? throw new ArgumentException("Not a Slurm target.", nameof(target));
    private Task<(IReadOnlyList<SlurmNode> Nodes, IReadOnlyList<string> Pythons)>? _cluster;
    private Task<bool?>? _storeVisible;
    private readonly SlurmQueue _queue = new(shell, time);
    private readonly SlurmAccounts _accounts = new(shell);
    private Task<ShipResult>? _shipped;

    /// <summary>The user's jobs as Slurm lists them, asked once for every run a command looks at.</summary>
    public SlurmQueue Queue => _queue;

    public string Name => target.Name;

    /// <summary>The nodes of the target's partition (all of them without one), as <c>scontrol</c> describes them.</summary>
    public async Task<IReadOnlyList<SlurmNode>> NodesAsync(CancellationToken ct) => (await ClusterAsync(ct)).Nodes;

    public async Task<ComputeCapabilities> GetCapabilitiesAsync(CancellationToken ct)
    {
        var (nodes, pythons) = await ClusterAsync(ct);
        return new ComputeCapabilities(nodes.Select(n => n.Capacity($"{Name}/{n.Name}")).ToList(), Docker: _settings.Docker || nodes.Any(n => n.HasDocker),
            pythons, Ports, MultiNode: true, Preemptible: true);
    }

    /// <summary>
    /// Whether a job with an image must ask Slurm for nodes with the feature <c>docker</c>: when the target does not say
    /// every node has Docker (then the nodes with the feature are the ones that do).
    /// </summary>
    private bool NeedsDockerFeature(string? image) => image is not null && !_settings.Docker;

    public async Task<SubmitRefusal?> CheckAsync(JobSpec job, CancellationToken ct)
    {
        // A job that asks for nothing fits any node: the cluster is not read for it (scontrol and the Pythons cost seconds
        // on a busy login node); only a local store's visibility is checked. A multi-node one needs the nodes counted.
        if (!job.IsMultiNode && !SubmitCheck.AsksForAnything(job))
            return store.LocalFolder is not null && await StoreVisibleAsync(ct) == false ? SubmitRefusal.StoreNotOnNodes(Name, store.LocalFolder) : null;
        var nodes = await NodesAsync(ct);
        if (job.Resources is { GpuCount: > 0, GpuName: { } gpuName } && GresType(nodes, gpuName) is null)
            return SubmitRefusal.NoGpuType(Name, gpuName, nodes.SelectMany(n => n.Gpus).Select(g => g.Type).Distinct().ToList());
        var capabilities = await GetCapabilitiesAsync(ct);
        var candidates = nodes;
        if (NeedsDockerFeature(job.Image))
        {
            // Only the nodes with Docker can take it: the request must fit one of them.
            candidates = nodes.Where(n => n.HasDocker).ToList();
            if (candidates.Count == 0) return SubmitRefusal.NoDockerOnSlurm(Name, job.Image!);
            capabilities = capabilities with { Hosts = candidates.Select(n => n.Capacity($"{Name}/{n.Name}")).ToList() };
        }
        if (store.LocalFolder is not null && await StoreVisibleAsync(ct) == false) return SubmitRefusal.StoreNotOnNodes(Name, store.LocalFolder);
        return SubmitCheck.WhyNot(job, capabilities, Name) ?? (job.IsMultiNode ? TooFewNodes(job, candidates) : null);
    }

    /// <summary>A multi-node run needs as many nodes that each fit its per-node <c>resources</c>: null when the cluster has them.</summary>
    private SubmitRefusal? TooFewNodes(JobSpec job, IReadOnlyList<SlurmNode> candidates)
    {
        var fitting = candidates.Where(n => ResourceFit.WhyNever(job.Resources, n.Capacity(n.Name)) is null).Select(n => n.Name).ToList();
        return fitting.Count >= job.Nodes ? null : SubmitRefusal.TooFewSlurmNodes(Name, job.Nodes, fitting);
    }

    public Task<LaunchInfo> StartRunnerAsync(RunnerTarget runner, CancellationToken ct) => SubmitAsync(runner, 1, ct);

    /// <summary>
    /// A multi-node run as one allocation: <c>sbatch -N N --ntasks-per-node=1</c> whose batch script runs one runner per
    /// node with <c>srun --kill-on-bad-exit=1</c>, each for the job whose index is its <c>SLURM_NODEID</c> (read inside the
    /// task). Every node's launch is the same Slurm job id.
    /// </summary>
    public async Task<IReadOnlyList<LaunchInfo>> StartNodesAsync(IReadOnlyList<RunnerTarget> nodes, CancellationToken ct)
    {
        var launch = await SubmitAsync(nodes[0], nodes.Count, ct);
        return nodes.Select(_ => launch).ToList();
    }

    private async Task<LaunchInfo> SubmitAsync(RunnerTarget runner, int nodeCount, CancellationToken ct)
    {
        // The gres types are needed only for GPUs: a job without them is submitted without reading the cluster.
        IReadOnlyList<SlurmNode> nodes = runner.Resources is { GpuCount: > 0 } ? await NodesAsync(ct) : [];
        var multi = nodeCount > 1;
        var jobKey = JobKey.Of(runner.Repo, runner.RunName, runner.JobIndex);
        var credentials = store.Credentials();
        // One credentials file per node (each runner deletes its own), named after that node's job as clean-up expects.
        var guid = Guid.NewGuid().ToString("N");
        string CredentialsFile(int index) => $"\"$h\"/tmp/creds/{JobKey.Of(runner.Repo, runner.RunName, index)}.{guid}";
        var credentialsFile = credentials is null ? null : CredentialsFile(runner.JobIndex);
        var runnerExecutable = await RunnerExecutableAsync(ct);
        var args = new List<string>(executableArgs) { "runner", "--repo", runner.Repo.Id, "--run", runner.RunName, "--slurm" };
        args.AddRange(SlurmRequeue.RunnerArgs(_settings, runner.Resources));
        var sbatch = new List<string> { "sbatch", "--parsable", $"--job-name={runner.RunName}", SlurmRequeue.SbatchOption(runner.Resources) };
        var options = SbatchOptions.Of(SlurmRequeue.For(_settings, runner.Resources), runner.Resources, nodes.SelectMany(n => n.Gpus).Select(g => g.Type));
        sbatch.AddRange(options);
        if (NeedsDockerFeature(runner.Image)) sbatch.Add($"--constraint={SlurmNode.DockerFeature}");
        // The batch script names the credentials file, never what is in it.
        string batch;
        if (!multi)
        {
            batch = "#!/bin/sh\n"
                + $"h={HomeExpression}\ncd \"$h\" || exit 1\n"
                + $"DSTACK_HOME=\"$h\" exec {ShellQuote.Quote(runnerExecutable)} {ShellQuote.Join(args)} --job {runner.JobIndex.ToString(CultureInfo.InvariantCulture)}"
                + (credentialsFile is null ? "" : $" --credentials {credentialsFile}") + "\n";
        }
        else
        {
            var keyPrefix = jobKey[..(jobKey.LastIndexOf('.') + 1)];
            var node = $"\"$h\"/tmp/creds/{keyPrefix}\"$SLURM_NODEID\".{guid}";
            var task = $"h={HomeExpression}; cd \"$h\" || exit 1; "
                + $"DSTACK_HOME=\"$h\" exec {ShellQuote.Quote(runnerExecutable)} {ShellQuote.Join(args)} --job \"$SLURM_NODEID\""
                + (credentials is null ? "" : $" --credentials {node}");
            sbatch.AddRange([$"--nodes={nodeCount}", "--ntasks-per-node=1"]);
            var srun = new List<string> { "srun", "--kill-on-bad-exit=1", $"--nodes={nodeCount}", $"--ntasks={nodeCount}", "--ntasks-per-node=1" };
            // Slurm 22.05's srun does not take --cpus-per-task from the allocation: it is said again.
            srun.AddRange(options.Where(o => o.StartsWith("--cpus-per-task=", StringComparison.Ordinal)));
            batch = "#!/bin/sh\n"
                + $"h={HomeExpression}\ncd \"$h\" || exit 1\n"
                + $"exec {ShellQuote.Join(srun)} sh -c {ShellQuote.Quote(task)}\n";
        }
        var copies = credentials is null || !multi ? ""
            : string.Concat(Enumerable.Range(0, nodeCount).Where(i => i != runner.JobIndex).Select(i => $"cp {credentialsFile} {CredentialsFile(i)}\n"));
        var removeAll = credentials is null ? "" : "rm -f " + string.Join(" ", Enumerable.Range(0, multi ? nodeCount : 1).Select(i => multi ? CredentialsFile(i) : credentialsFile)) + "; ";
        var script = "command -v sbatch >/dev/null 2>&1 || exit 127\n"
            + $"set -e; umask 077; h={HomeExpression}; mkdir -p \"$h/tmp/runners\" \"$h/tmp/creds\"\n"
            + (store.ConfigYaml is { } yaml ? $"printf '%s' {ShellQuote.Quote(yaml)} > \"$h/config.yaml\"\n" : "")
            + (credentialsFile is null ? "cat > /dev/null\n" : $"cat > {credentialsFile}\n")
            + copies
            // A clean environment: sbatch would otherwise copy this process's (the user's secrets included) into the job.
            + $"if ! out=$(env -i PATH=\"$PATH\" HOME=\"$HOME\" USER=\"${{USER:-}}\" {SlurmConfScript.KeptByEnv} {ShellQuote.Join(sbatch)} \"--output=$h/tmp/runners/{jobKey}.slurm-%j.log\" <<'DSTACK_BATCH'\n"
            + batch + "DSTACK_BATCH\n"
            + $") ; then {removeAll}exit 3; fi\necho \"$out\"\n";
        using var stdin = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(credentials ?? ""));
        var result = await shell.RunAsync(script, stdin, ct);
        if (result.ExitCode == 127) throw SlurmException.NotInstalled(shell.Where, shell is LoginSlurmShell);
        if (result.ExitCode != 0) throw SlurmException.SubmitFailed(LastLine(result.StdErr) ?? $"exit code {result.ExitCode}");
        var id = SlurmLaunchHandle.FromSbatch(result.StdOut) ?? throw SlurmException.UnexpectedAnswer("sbatch", result.StdOut.Trim());
        _queue.Invalidate();
        return new LaunchInfo(Name, id.ToString(CultureInfo.InvariantCulture), time.GetUtcNow());
    }

    /// <summary>
    /// The executable the batch script starts. With a login host, this one is copied there once per version
    /// (<see cref="BinaryShipper"/>: <c>~/.dstack/bin/&lt;sha256&gt;/dstack</c>, checked by hash), which the nodes see
    /// through the cluster's shared home; without one (or a test's wrapped command), the nodes share this machine's path.
    /// </summary>
    private async Task<string> RunnerExecutableAsync(CancellationToken ct)
    {
        if (shell is not LoginSlurmShell login || executableArgs.Count > 0 || !Path.IsPathRooted(executable) || !File.Exists(executable)) return executable;
        // A failed copy (SSH down, another architecture) is SshException's own one line.
        return (await (_shipped ??= BinaryShipper.ShipAsync(login.Session, executable, ct))).RemotePath;
    }

    /// <summary>The one <c>squeue</c> of a listing: asked for before its runs are read, and serving them all however long it takes.</summary>
    public IDisposable HoldChecks() => _queue.Hold();

    public async Task<bool?> IsRunnerAliveAsync(LaunchInfo launch, CancellationToken ct) => (await CheckRunnerAsync(launch, ct)).Alive;

    /// <summary>
    /// The job as one <c>squeue</c> of all the user's jobs says (<see cref="SlurmQueue"/>: shared by every run a command
    /// looks at); a job it no longer lists is asked of <c>sacct</c> (which may be missing or have no accounting: then it is
    /// gone, forgotten by Slurm). A batch job that ended on its own before the runner wrote anything leaves Slurm's output
    /// file, whose last line explains why the runner could not start.
    /// </summary>
    public async Task<RunnerCheck> CheckRunnerAsync(LaunchInfo launch, CancellationToken ct)
    {
        if (SlurmLaunchHandle.Parse(launch.Handle) is not { } id) return new RunnerCheck(null);
        var jobs = await _queue.ReadAsync(launch.LaunchedAt, ct);
        if (jobs is null) return new RunnerCheck(null);  // Slurm or the login host does not answer: the heartbeat decides
        var check = jobs.TryGetValue(id, out var entry)
            ? SlurmJobStates.Check(id, entry.State, entry.Reason)
            : await AccountedAsync(id, ct);
        return check.End is { Reason: TerminationReason.RunnerLost } end && await StartOutputAsync(id, entry?.Nodes, ct) is { } output
            ? check with { End = end with { StartOutput = output } }
            : check;
    }

    /// <summary>A job squeue no longer lists: sacct's state, when Slurm keeps accounts; else forgotten, so gone.</summary>
    private async Task<RunnerCheck> AccountedAsync(long id, CancellationToken ct) =>
        await _accounts.StateAsync(id, ct) is { } state
            ? SlurmJobStates.Check(id, state, null)
            : RunnerCheck.Ended(new RunnerEnd(TerminationReason.RunnerLost, $"Slurm no longer knows job {id}"));

    /// <summary>"the runner could not start on node n2: …": the last line of Slurm's output file for job <paramref name="id"/>.</summary>
    private async Task<string?> StartOutputAsync(long id, string? node, CancellationToken ct)
    {
        ShellResult result;
        try { result = await shell.RunAsync($"h={HomeExpression}; tail -n 20 \"$h\"/tmp/runners/*.slurm-{id}.log 2>/dev/null; true", null, ct); }
        catch (SlurmException) { return null; }
        return LastLine(result.StdOut) is { } line ? SlurmException.RunnerDidNotStart(node, line) : null;
    }

    public async Task KillRunnerAsync(LaunchInfo launch, CancellationToken ct) => await CancelAsync(launch, "", ct);

    /// <summary><c>dstack stop -x</c> after its request: <c>scancel --signal=KILL</c> (the batch step, that is the runner, and every step).</summary>
    public async Task AbortRunnerAsync(LaunchInfo launch, CancellationToken ct) => await CancelAsync(launch, "--signal=KILL ", ct);

    private async Task CancelAsync(LaunchInfo launch, string options, CancellationToken ct)
    {
        if (SlurmLaunchHandle.Parse(launch.Handle) is not { } id) return;
        try { await shell.RunAsync($"scancel {options}{id} 2>/dev/null; true", null, ct); }
        catch (SlurmException) { /* unreachable: nothing can be done from here */ }
        _queue.Invalidate();
    }

    public async Task CleanUpLostAsync(LaunchInfo launch, Heartbeat? beat, string jobKey, CancellationToken ct)
    {
        if (SlurmLaunchHandle.Parse(launch.Handle) is not { } id) return;
        // Slurm ends every process of a job it ends; a credentials file the runner never read goes too.
        var script = $"scancel {id} 2>/dev/null; h={HomeExpression}; rm -f \"$h/tmp/creds/\"{ShellQuote.Quote(jobKey)}.*; true";
        try { await shell.RunAsync(script, null, ct); }
        catch (SlurmException) { /* unreachable: nothing can be done from here */ }
    }

    /// <summary>The cluster's gres type for a <c>gpu.name</c>: an exact type first, else one that contains it (case aside); null: none.</summary>
    public static string? GresType(IEnumerable<SlurmNode> nodes, string gpuName)
    {
        var types = nodes.SelectMany(n => n.Gpus).Select(g => g.Type).OfType<string>().Distinct().ToList();
        return types.FirstOrDefault(t => string.Equals(t, gpuName, StringComparison.OrdinalIgnoreCase))
               ?? types.FirstOrDefault(t => t.Contains(gpuName, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The runner's dstack home on the node: the shared store folder itself, or one per bucket under the user's home.</summary>
    private string HomeExpression => store.LocalFolder is { } folder ? ShellQuote.Quote(folder) : $"\"$HOME\"/.dstack/home/{store.Key}";

    private Task<(IReadOnlyList<SlurmNode> Nodes, IReadOnlyList<string> Pythons)> ClusterAsync(CancellationToken ct) => _cluster ??= ReadClusterAsync(ct);

    private async Task<(IReadOnlyList<SlurmNode>, IReadOnlyList<string>)> ReadClusterAsync(CancellationToken ct)
    {
        // One round trip: the nodes, then the Pythons of the login node (the nodes are taken to have the same image).
        const string script = "command -v sbatch >/dev/null 2>&1 && command -v scontrol >/dev/null 2>&1 || exit 127\n"
            + "scontrol show node -o || exit 3\necho '--- pythons'\n"
            + "for p in $(ls /usr/bin/python3* /usr/local/bin/python3* 2>/dev/null | grep -E 'python3\\.[0-9]+$'); do \"$p\" -c 'import platform; print(platform.python_version())' 2>/dev/null; done; true\n";
        var result = await shell.RunAsync(script, null, ct);
        if (result.ExitCode == 127) throw SlurmException.NotInstalled(shell.Where, shell is LoginSlurmShell);
        if (result.ExitCode != 0) throw SlurmException.Unreachable(shell.Where, LastLine(result.StdErr) ?? $"exit code {result.ExitCode}");
        var parts = result.StdOut.Split("--- pythons\n");
        var nodes = SlurmNode.ParseAll(parts[0]).Where(n => _settings.Partition is null || n.Partitions.Contains(_settings.Partition)).ToList();
        if (nodes.Count == 0) throw SlurmException.NoNodes(shell.Where, _settings.Partition);
        var pythons = parts.Length > 1 ? parts[1].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList() : [];
        return (nodes, pythons);
    }

    /// <summary>How long a probe that found the store seen by the nodes is taken as still true (a shared file system stays).</summary>
    public static readonly TimeSpan StoreSeenLife = TimeSpan.FromDays(1);

    private Task<bool?> StoreVisibleAsync(CancellationToken ct) => _storeVisible ??= SeenOrProbeAsync(store.LocalFolder!, ct);

    /// <summary>
    /// A probe's "seen" is kept for <see cref="StoreSeenLife"/> in the store folder (per cluster: login host, partition, slurm.conf),
    /// so a run does not wait for a whole extra Slurm job each time; "unseen" is never kept (a fix is seen at once).
    /// </summary>
    private async Task<bool?> SeenOrProbeAsync(string folder, CancellationToken ct)
    {
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{_settings.Login}\n{_settings.Partition}" + (_settings.SlurmConf is { } conf ? $"\n{conf}" : ""))))[..16];
        var seen = Path.Combine(folder, "tmp", "slurm-store-seen", key);
        if (File.Exists(seen) && time.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(seen) < StoreSeenLife) return true;
        var visible = await ProbeStoreAsync(folder, ct);
        try
        {
            if (visible == true)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(seen)!);
                await File.WriteAllTextAsync(seen, "", ct);
                File.SetLastWriteTimeUtc(seen, time.GetUtcNow().UtcDateTime);
            }
            else if (visible == false) File.Delete(seen);
        }
        catch (IOException) { /* only a cache: the next command probes again */ }
        return visible;
    }

    /// <summary>
    /// Whether a node sees the local store folder: a marker file written here, looked for by a one-task <c>srun</c>
    /// (given up after 30 s when the cluster is busy: null, cannot tell).
    /// </summary>
    private async Task<bool?> ProbeStoreAsync(string folder, CancellationToken ct)
    {
        var marker = Path.Combine(folder, "tmp", $"slurm-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        await File.WriteAllTextAsync(marker, "", ct);
        try
        {
            var srun = new List<string> { "srun", "-N1", "-n1", "--immediate=30", "--quiet", $"--job-name=dstack-probe" };
            srun.AddRange(SbatchOptions.Of(_settings, null, []));
            srun.AddRange(["sh", "-c", $"test -e {ShellQuote.Quote(marker)} && echo seen || echo unseen"]);
            var result = await shell.RunAsync($"env -i PATH=\"$PATH\" HOME=\"$HOME\" {SlurmConfScript.KeptByEnv} {ShellQuote.Join(srun)}", null, ct);
            return result.StdOut.Trim() switch { "seen" => true, "unseen" => false, _ => null };
        }
        finally { File.Delete(marker); }
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
