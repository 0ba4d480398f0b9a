using Dstack.Core.Logs;
using Dstack.Core.Models;

namespace Dstack.Core.Runner;

public enum StopMode { Graceful, Abort }

/// <summary>The runner's mutable view of the one job it runs.</summary>
internal sealed class JobContext(RunRecord run, JobSpec spec, LogWriter logs)
{
    private readonly object _gate = new();
    private StopMode? _requested;
    private StopMode? _acted;

    public RunRecord Run { get; } = run;
    public JobSpec Spec { get; } = spec;
    public LogWriter Logs { get; } = logs;
    public IReadOnlyList<int> Ports { get; set; } = [];
    public DateTimeOffset? StartedAt { get; set; }
    public IRunningJob? Process { get; set; }
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();
    /// <summary>Masks the secrets' values in whatever of the job's output dstack stores outside the logs.</summary>
    public SecretMasker Masker { get; init; } = SecretMasker.None;
    /// <summary>What the user should know about how the job runs (shown by <c>ps</c>).</summary>
    public string? Note { get; set; }
    /// <summary>Which attempt of the job this is (1, or more after a scheduler requeued it).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The host its states name: the machine's name, or the node's as the scheduler knows it (Slurm's multi-mode nodes share one machine).</summary>
    public string Host { get; init; } = Environment.MachineName;
    /// <summary>A dev environment's token (<c>DSTACK_SERVER_TOKEN</c>), masked in its logs like a secret; null for other jobs.</summary>
    public string? ServerToken { get; init; }
    /// <summary>A dev environment's link (path and query, with its token) once its server answers; in every state from then on.</summary>
    public string? Link { get; set; }
    /// <summary>The password the link's login page asks for (the token), when the server logs in that way.</summary>
    public string? Password { get; set; }

    /// <summary>The stop the runner has acted on, if any.</summary>
    public StopMode? StopMode { get { lock (_gate) return _acted ?? _requested; } }

    /// <summary>Names the job on this machine: its working copy, its place in the queue, its container.</summary>
    public string Key => JobKey.Of(Run.Repo, Run.RunName, Spec.Index);

    public string WorkDir(RunnerOptions options) => Path.Combine(options.WorkRoot, Key);

    /// <summary>A SIGTERM reached the runner (<see cref="RunnerOptions.SchedulerOwnsSignals"/>).</summary>
    public bool Signalled { get; set; }

    /// <summary>Another node of the run failed (in words, naming it), so this one is being stopped.</summary>
    public string? NodeFailure { get; set; }

    /// <summary>A stop request was read from the store.</summary>
    public bool RequestedInStore { get; set; }

    /// <summary>Records a stop; an abort wins over a graceful stop, never the other way round.</summary>
    public void RequestStop(bool abort)
    {
        lock (_gate)
        {
            if (abort) _requested = Runner.StopMode.Abort;
            else _requested ??= Runner.StopMode.Graceful;
        }
    }

    /// <summary>The stop to act on now, once per escalation step; null when nothing new.</summary>
    public StopMode? TakeStopAction()
    {
        lock (_gate)
        {
            if (_requested is null || _requested == _acted) return null;
            if (_acted == Runner.StopMode.Abort) return null;
            _acted = _requested;
            return _acted;
        }
    }

    public JobState Progress(JobStatus status, DateTimeOffset now) => new()
    {
        Status = status, UpdatedAt = now, StartedAt = StartedAt, Ports = Ports, Host = Host, Note = Note, Attempt = Attempt, Link = Link, Password = Password,
    };
}
