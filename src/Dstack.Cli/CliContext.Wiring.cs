using System.Globalization;
using System.Runtime.CompilerServices;
using Dstack.Core.Compute;
using Dstack.Core.Config;
using Dstack.Core.Docker;
using Dstack.Core.Errors;
using Dstack.Core.Local;
using Dstack.Core.Models;
using Dstack.Core.Providers;
using Dstack.Core.Runner;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Storage.S3;

namespace Dstack.Cli;

/// <summary>
/// The composition root: the one place where the store, the compute, the executors, the providers and the runner's
/// options are chosen and built, for the CLI and the runner alike. A new backend is wired here and nowhere else.
/// </summary>
public sealed partial class CliContext
{
    private IStorage? _storage;
    private DstackConfig? _config;

    public DstackConfig Config => _config ??= DstackConfig.Load(Home.Root);

    /// <summary>The store named by <c>config.yaml</c>: the local folder by default, or an S3 bucket.</summary>
    public IStorage Storage => _storage ??= Config.IsS3 ? S3Store(Config, HandedCredentials) : new LocalStorage(Home.Root);
    public RunStore Runs => new(Storage, Skipped);

    /// <summary>A watch of a run's folder in the local store, so that a follower wakes when a job's state is written; null on S3.</summary>
    public FolderChangeWatch? WatchRun(RunRecord run) => Storage is LocalStorage local
        ? FolderChangeWatch.TryStart(local.PathOf(StoreKeys.RunPrefix(run.Repo, run.RunName)), Path.GetFileName(StoreKeys.JobState(run.Repo, run.RunName, 0)))
        : null;

    /// <summary>Where runs go without <c>--compute</c>: the config's default target.</summary>
    public ICompute Compute => ComputeNamed(null);
    public RunMonitor Monitor => new(Runs, new ComputeRegistry(Config.TargetNames.Select(n => ComputeNamed(n))), Time);

    /// <summary>A runner on an SSH host: the job's HOSTNAME (the host's address), and the store credentials it was handed.</summary>
    public string? JobHostname { get; set; }

    /// <summary>A runner on an SSH host: the address the other nodes of its run reach it at.</summary>
    public string? NodeAddress { get; set; }
    public string? HandedCredentials { get; set; }

    /// <summary>A runner started by a Slurm batch job: it uses the allocation Slurm made (<see cref="Core.Compute.Slurm.SlurmJobHost"/>).</summary>
    public bool InSlurmJob { get; set; }
    /// <summary>The runner's <c>--max-requeues</c>: the job is requeueable (Slurm), and this many requeues are allowed.</summary>
    public int? MaxRequeues { get; set; }

    /// <summary>The compute target <paramref name="name"/> (null: the config's default); an unknown name lists the known ones.</summary>
    public ICompute ComputeNamed(string? name)
    {
        name ??= Config.DefaultCompute;
        if (name == ComputeTarget.Local) return new LocalCompute(RunnerCommand(), Time);
        var target = Config.FindTarget(name) ?? throw ComputeConfigException.NotFound(name, Config.TargetNames);
        var store = Config.IsS3 ? S3SshStore(Config, target) : Core.Compute.Ssh.SshStore.Folder(Home.Root);
        // The nodes share this machine's file system (for now: docs/SLURM.md): they start this very executable.
        if (target.Slurm is not null && RunnerCommand() is { Count: > 0 } command)
            return new Core.Compute.Slurm.SlurmCompute(target, store, SlurmShell(target), command[0], command.Skip(1).ToList(), Time);
        return new Core.Compute.Ssh.SshCompute(target, store, Home.Root, DstackExecutable(), [], Time);
    }

    /// <summary>Where a Slurm target's commands run: this machine, or its login host over SSH; with its <c>slurm_conf</c>.</summary>
    public Core.Compute.Slurm.ISlurmShell SlurmShell(ComputeTarget target) =>
        target.Slurm?.Login is { } login
            ? new Core.Compute.Slurm.LoginSlurmShell(new Core.Compute.Ssh.SshSession(Core.Compute.Ssh.SshHostAddress.Parse(login), target.SshOptions(Home.Root)),
                target.Slurm.SlurmConf)
            : new Core.Compute.Slurm.LocalSlurmShell(target.Slurm?.SlurmConf);

    /// <summary>The providers this build offers, each registered by one explicit call.</summary>
    public static ProviderRegistry Providers() => new ProviderRegistry().Add(new BashProvider()).Add(new DockerProvider()).Add(new TorchrunProvider())
        .Add(new CodeProvider()).Add(JupyterProvider.Lab()).Add(JupyterProvider.Notebook());

    /// <summary>Which jobs' ports the CLIs of this machine forward now.</summary>
    public PortForwardRecords PortForwards => new(Home.PortForwards);

    /// <summary>Jobs' working copies on this machine, where runners started from this home materialise code.</summary>
    public WorkingCopies WorkingCopies => new(Home.WorkingCopies);

    /// <summary>This machine's cache of a repo's finished runs, one per store (a folder, or a bucket at an endpoint).</summary>
    public string RunCacheFile(RepoRef repo) => Home.RunCache(
        Config.IsS3
            ? $"s3-{Config.Bucket}-{Convert.ToHexStringLower(Core.Storage.ManagedSha256.Hash(Config.EndpointUrl ?? Config.Region ?? ""))[..8]}"
            : "local",
        repo);

    /// <summary>The runner of one job: this store, a host or container executor by the job's image, options from the environment.</summary>
    public JobRunner JobRunner()
    {
        var options = RunnerOptions();
        IJobHost host = new LocalJobHost(options.SchedulerRoot, Time);
        if (InSlurmJob)
        {
            var node = Environment.GetEnvironmentVariable("SLURMD_NODENAME") ?? Environment.MachineName;
            host = new Core.Compute.Slurm.SlurmJobHost(host, node, Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"),
                Environment.GetEnvironmentVariable("SLURM_JOB_GPUS"), SlurmAllowedCpus(),
                Core.Compute.Slurm.SlurmJobHost.AddressOf(node, Environment.MachineName, System.Net.Dns.GetHostAddresses));
            options = options with
            {
                MachineName = node, SchedulerOwnsSignals = true, MaxRequeues = MaxRequeues,
                // Slurm starts a requeued job's batch script again, with the same job id and one more restart.
                Attempt = Core.Compute.Slurm.SlurmRequeue.Attempt(Environment.GetEnvironmentVariable("SLURM_RESTART_COUNT")),
            };
        }
        if (JobHostname is { } hostname) host = new Core.Compute.Ssh.SshJobHost(host, hostname, NodeAddress);
        return new(Storage, new ExecutorByImage(new HostProcessExecutor(Time), new DockerExecutor(Time)), host, options, Time);
    }

    /// <summary>The CPUs Slurm bound this runner to, for a container (which Slurm's cgroups do not hold).</summary>
    private static string? SlurmAllowedCpus()
    {
        try { return Core.Compute.Slurm.SlurmJobHost.AllowedCpus(File.ReadAllText("/proc/self/status")); }
        catch (IOException) { return null; }
    }

    private RunnerOptions RunnerOptions()
    {
        var options = new RunnerOptions
        {
            WorkRoot = Home.WorkingCopies,
            // The machine's resources are shared by every dstack home of this user on it.
            SchedulerRoot = Environment.GetEnvironmentVariable("DSTACK_SCHEDULER_DIR") is { Length: > 0 } dir
                ? dir : Core.Local.LocalScheduler.DefaultFolder(),
            StopGrace = Core.Runner.RunnerOptions.StopGraceFromEnvironment(),
            CredentialValues = StoreCredentials.Values(Config, HandedCredentials),
            // A remote store's content is kept on this machine for the next working copy; a local store is on it already.
            BlobCache = Config.IsS3 ? BlobCache.FromEnvironment(Home.BlobCache, Time) : null,
        };
        return Environment.GetEnvironmentVariable("DSTACK_STORE_RETRY_SECONDS") is { Length: > 0 } retry
            ? options with { StoreRetryAfterJob = TimeSpan.FromSeconds(double.Parse(retry, CultureInfo.InvariantCulture)) }
            : options;
    }

    /// <summary>How to start this build's dstack as a runner: the apphost itself, or <c>dotnet dstack.dll</c>.</summary>
    public static IReadOnlyList<string> RunnerCommand()
    {
        var process = DstackExecutable();
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "dstack.dll")]
            : [process];
    }

    /// <summary>
    /// This build's dstack: the running executable, or, in <c>dstack-dashboard</c> (which restarts runs), the
    /// <c>dstack</c> published beside it: the dashboard's own executable has no runner.
    /// </summary>
    public static string DstackExecutable() => DstackExecutable(Environment.ProcessPath ?? throw RunException.ExecutableUnknown());

    /// <summary>The dstack of the build whose executable <paramref name="process"/> is (see the other).</summary>
    public static string DstackExecutable(string process) =>
        Path.GetFileNameWithoutExtension(process) == Verbs.DashboardVerb.Executable
            ? Path.Combine(Path.GetDirectoryName(process)!, "dstack" + Path.GetExtension(process))
            : process;

    // Its own method, so that a JIT build loads the S3 SDK only with an S3 config.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IStorage S3Store(DstackConfig config, string? handed)
    {
        var options = S3StoreOptions.From(config, handed);
        return new S3Storage(options);
    }

    /// <summary>
    /// The bucket as an SSH target's hosts use it: at the target's store endpoint when it has one, with this machine's
    /// credentials handed over at each start (never written into the host's config.yaml).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Core.Compute.Ssh.SshStore S3SshStore(DstackConfig config, ComputeTarget target)
    {
        var endpoint = target.StoreEndpoint ?? config.EndpointUrl;
        var hostConfig = new DstackConfig { Backend = "s3", Bucket = config.Bucket, Region = config.Region, EndpointUrl = endpoint, KmsKeyId = config.KmsKeyId };
        var key = Convert.ToHexStringLower(Core.Storage.ManagedSha256.Hash($"{config.Bucket}\n{endpoint}"))[..12];
        return new(null, hostConfig.ToYaml(), key, () => S3StaticCredentials.Resolve(S3StoreOptions.From(config))?.Format());
    }
}
