using Dstack.Core.Compute;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Reads runs' states and makes sure nothing stays unfinished forever: a job whose runner is gone is
/// marked failed (runner lost), and what it left behind is ended. Every question about a runner goes to the compute
/// that launched it (<see cref="ComputeRegistry"/>), by the launch stored with the job.
/// </summary>
public sealed class RunMonitor(RunStore runs, ComputeRegistry computes, TimeProvider time)
{
    /// <summary>A runner that has not beaten for this long, and cannot be checked directly, is lost.</summary>
    public static readonly TimeSpan StaleHeartbeat = TimeSpan.FromSeconds(30);

    /// <summary>A job with no runner launched this long after submission is lost (the CLI died before launching it).</summary>
    public static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A live runner (it beats every 2 s) that has not beaten for this long cannot reach the store.</summary>
    public static readonly TimeSpan QuietRunner = TimeSpan.FromSeconds(20);

    /// <summary>A started runner quiet for this long while its scheduler queues the job again: the job was requeued.</summary>
    public static readonly TimeSpan RequeuedQuiet = TimeSpan.FromSeconds(5);

    /// <summary>How readers say that a live runner cannot reach the store.</summary>
    public static string StoreUnreachable(DateTimeOffset since) => $"store unreachable since {since.ToLocalTime():HH:mm:ss}";

    /// <summary>A listing's pass over runs that may be unfinished: computes that check them from one shared answer ask for it now and hold it.</summary>
    public IDisposable HoldChecks() => computes.HoldChecks();

    public Task<RunView> ViewAsync(RunRecord run, CancellationToken ct) => ViewAsync(run, null, ct);

    /// <summary>
    /// As <see cref="ViewAsync(RunRecord, CancellationToken)"/>, with the first job's state already read (<paramref name="firstState"/>,
    /// a task that gives null when there is none): a lister reads it together with the record, one round trip instead of two.
    /// </summary>
    public async Task<RunView> ViewAsync(RunRecord run, Task<JobState?>? firstState, CancellationToken ct)
    {
        var states = new JobState[run.Jobs.Count];
        for (var i = 0; i < run.Jobs.Count; i++)
        {
            var index = run.Jobs[i].Index;
            var state = await (i == 0 && firstState is not null ? firstState : runs.GetStateAsync(run.Repo, run.RunName, index, ct))
                        ?? new JobState { Status = JobStatus.Submitted, UpdatedAt = run.SubmittedAt };
            if (!state.Status.IsFinished())
            {
                var (lost, silent, why, quietSince, ports, check, requeued) = await CheckRunnerAsync(run, index, state.Host, ct);
                if (lost) state = await MarkLostAsync(run, index, silent, why, check.End, ct) ?? state;
                else if (quietSince is not null) state = state with { StoreUnreachableSince = quietSince };
                // Queued by a scheduler before the runner starts: pending, with the scheduler's reason (never stored); queued
                // again after its runner went quiet: requeued (Slurm's preemption or requeue), waiting for its next attempt.
                if (!lost && check.Waiting is { } waiting && (state.Status == JobStatus.Submitted || requeued))
                    state = state with { Status = JobStatus.Pending, Detail = state.Status == JobStatus.Submitted ? waiting : $"requeued, {waiting}" };
                if (ports is not null && state.Ports.Count > 0) state = state with { PortUrls = state.Ports.Select(ports.Url).ToList() };
            }
            states[i] = state;
        }
        return new RunView(run, states);
    }

    /// <summary>
    /// Whether the job's runner is provably gone (and why the compute could not tell, when it knows: "host h1
    /// unreachable"); else, when its host says it lives but it has been quiet, since when. While the compute cannot tell,
    /// the job keeps its status until the heartbeat is stale. A live runner is never declared lost for being quiet: a
    /// store outage silences it, and it delivers afterwards.
    /// </summary>
    private async Task<(bool Lost, bool Silent, string? Why, DateTimeOffset? QuietSince, PortAccess? Ports, RunnerCheck Check, bool Requeued)> CheckRunnerAsync(RunRecord run, int job, string? jobHost, CancellationToken ct)
    {
        // Read together: a reader that follows logs polls this, and a bucket answers each read in a round trip.
        var beatRead = runs.GetHeartbeatAsync(run.Repo, run.RunName, job, ct);
        var launch = await runs.GetLaunchAsync(run.Repo, run.RunName, job, ct);
        var beat = await beatRead;
        if (launch is null) return (time.GetUtcNow() - run.SubmittedAt > LaunchTimeout, false, null, null, null, default, false);
        var compute = computes.Of(launch);
        // A forwarding compute knows the host of this very launch (a scheduler's, by the host its runner reports); the others' ports are where they say.
        var ports = compute is IForwardsPorts forwarding ? forwarding.PortsOf(launch, jobHost) ?? compute.Ports : compute?.Ports;
        var check = compute is null ? new RunnerCheck(null) : await compute.CheckRunnerAsync(launch, ct);
        if (check.Alive == false) return (true, false, null, null, ports, check, false);
        var last = beat?.At ?? launch.LaunchedAt;
        var quiet = time.GetUtcNow() - last;
        // Queued by a scheduler: no runner yet, so its silence says nothing. A runner that beat, then went quiet while the
        // scheduler queues the job again, was requeued (a queue answer is at most SlurmQueue.Fresh old; a runner beats every 2 s).
        if (check.Waiting is not null) return (false, false, null, null, ports, check, beat is not null && quiet > RequeuedQuiet);
        return check.Alive is null
            ? (quiet > StaleHeartbeat, true, check.CannotTell, null, ports, check, false)
            : (false, false, null, quiet > QuietRunner ? last : null, ports, check, false);
    }

    /// <summary>
    /// Ends the runners of <paramref name="run"/> that are still there, each through the compute that launched it; an
    /// <paramref name="abort"/> kills at once where the compute can (<see cref="IAbortsRunners"/>).
    /// </summary>
    public async Task KillRunnersAsync(RunRecord run, CancellationToken ct, bool abort = false)
    {
        foreach (var job in run.Jobs)
            if (await runs.GetLaunchAsync(run.Repo, run.RunName, job.Index, ct) is { } launch && computes.Of(launch) is { } compute)
                await (abort && compute is IAbortsRunners aborts ? aborts.AbortRunnerAsync(launch, ct) : compute.KillRunnerAsync(launch, ct));
    }

    /// <summary>
    /// After a stop request: ends the jobs of <paramref name="run"/> whose runner has not started because a scheduler still
    /// queues them (nothing there reads the request); the next look marks them stopped or aborted by the user.
    /// </summary>
    public async Task EndQueuedAsync(RunRecord run, CancellationToken ct)
    {
        foreach (var job in run.Jobs)
        {
            // A requeued job waits in the queue too (its state is an earlier attempt's, unfinished).
            if (await runs.GetStateAsync(run.Repo, run.RunName, job.Index, ct) is not { } state || state.Status.IsFinished()) continue;
            if (await runs.GetLaunchAsync(run.Repo, run.RunName, job.Index, ct) is not { } launch || computes.Of(launch) is not { } compute) continue;
            if ((await compute.CheckRunnerAsync(launch, ct)).Waiting is not null) await compute.KillRunnerAsync(launch, ct);
        }
    }

    /// <summary>
    /// Re-reads the state (the runner may have just finished) and, for a runner lost by its <paramref name="silent"/>
    /// heartbeat, the heartbeat; only then marks the job lost, saying <paramref name="why"/> when known.
    /// </summary>
    /// <remarks>
    /// A runner that never wrote a state, or one its scheduler ended, asked to stop, was ended for that request: stopped
    /// (aborted) by the user. One
    /// the compute saw end (<paramref name="end"/>) gets the compute's verdict, or, when it never started and the compute
    /// kept what its start printed, "failed to start" with that.
    /// </remarks>
    private async Task<JobState?> MarkLostAsync(RunRecord run, int job, bool silent, string? why, RunnerEnd? end, CancellationToken ct)
    {
        var current = await runs.GetStateAsync(run.Repo, run.RunName, job, ct);
        if (current is not null && current.Status.IsFinished()) return current;
        var beat = await runs.GetHeartbeatAsync(run.Repo, run.RunName, job, ct);
        // Lost by its silence, and beating again: its host is back, and the runner wins.
        if (silent && beat is not null && time.GetUtcNow() - beat.At <= StaleHeartbeat) return current;
        if (await runs.GetLaunchAsync(run.Repo, run.RunName, job, ct) is { } launch && computes.Of(launch) is { } compute)
            await compute.CleanUpLostAsync(launch, beat, JobKey.Of(run.Repo, run.RunName, job), ct);
        var now = time.GetUtcNow();
        var neverStarted = current is null || current.Status == JobStatus.Submitted;
        // A scheduler that ended a job asked to stop did so for the request (the CLI cancels what does not react in time).
        var stop = neverStarted || end is { Reason: TerminationReason.EndedByScheduler } ? await runs.GetStopRequestAsync(run.Repo, run.RunName, job, ct) : null;
        var (status, reason, detail) = (stop, end) switch
        {
            ({ Abort: true }, _) => (JobStatus.Aborted, TerminationReason.AbortedByUser, (string?)null),
            ({ Abort: false }, _) => (JobStatus.Stopped, TerminationReason.StoppedByUser, null),
            (null, { StartOutput: { } output }) when neverStarted => (JobStatus.Failed, TerminationReason.FailedToStart, output),
            (null, { } ended) => (JobStatus.Failed, ended.Reason, ended.Detail ?? why),
            _ => (JobStatus.Failed, TerminationReason.RunnerLost, why),
        };
        var lost = new JobState
        {
            Status = status, Reason = reason, Detail = detail, UpdatedAt = now,
            StartedAt = current?.StartedAt, FinishedAt = now, Ports = current?.Ports ?? [], Host = current?.Host,
        };
        // A store on a full disk cannot take the verdict now; the listing shows it all the same, and the next one retries.
        try { await runs.PutStateAsync(run.Repo, run.RunName, job, lost, ct); }
        catch (DiskFullException) { }
        return lost;
    }
}
