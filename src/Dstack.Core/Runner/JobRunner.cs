using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runner;

/// <summary>
/// The agent that runs one job: prepares its working copy, runs its commands, ships its logs, watches
/// for stop requests, and writes its status. Once started it is the only writer of that status.
/// </summary>
public sealed partial class JobRunner(IStorage storage, IJobExecutor executor, Compute.IJobHost host, RunnerOptions options, TimeProvider time)
{
    private readonly RunStore _runs = new(storage);
    private readonly SnapshotStore _snapshots = new(storage, options.BlobCache);
    private readonly StoreOutage _outage = new(time, options.StoreRetryMaxPause);
    private JobState? _unsentProgress;
    private readonly SemaphoreSlim _stateGate = new(1, 1);
    private JobState? _lastState;

    public async Task<int> RunAsync(RepoRef repo, string runName, int jobIndex, CancellationToken ct)
    {
        Diagnostics.StageTrace.Mark("runner: start");
        // Secret values are read here, by the runner alone, and masked in everything the job prints, as are the
        // store's credentials the runner holds (the job never gets them, but may find them). They are the repo's, not
        // the run's: listed while the record is awaited (on a bucket, a round trip each).
        var invalid = new List<SecretRecord>();
        var listing = new Secrets.SecretStore(storage).ListAsync(repo, invalid.Add, ct);
        var (run, state) = await WaitForRecordAsync(repo, runName, jobIndex, ct);
        Diagnostics.StageTrace.Mark("runner: record read");
        var spec = run.Jobs.Single(j => j.Index == jobIndex);
        if (state is null || !Takes(state))
        {
            await Observed(listing);
            return 0; // someone else ran (or ended) it
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var secret in await listing) secrets.TryAdd(secret.Name, secret.Value);
        // A dev environment's token is made here, never stored in the spec: only readers of the job's state see it. Its
        // server prints its link with the token (jupyter, code-server): the logs mask it as they mask the secrets.
        var serverToken = spec.ServerLink is null ? null : Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var masker = new SecretMasker(secrets.Values.Concat(invalid.Select(s => s.Value)).Concat(options.CredentialValues)
            .Concat(serverToken is null ? [] : [serverToken]));
        // Output the store cannot take yet waits in a spool file beside the working copy, not in memory.
        var spool = Path.Combine(options.WorkRoot, JobKey.Of(repo, runName, jobIndex) + ".log-spool");
        using var logs = new LogWriter(storage, repo, runName, jobIndex, time, masker, spool, FirstLogSeq);
        foreach (var secret in invalid) logs.AppendLine($"dstack: {Secrets.SecretName.Ignored(secret.Name)}");
        var job = new JobContext(run, spec, logs)
        {
            Secrets = secrets, Masker = masker, Attempt = options.Attempt, Host = options.MachineName ?? Environment.MachineName, ServerToken = serverToken,
        };
        // Held until the working copy is gone: rm and gc remove working copies that no live runner holds.
        using var workingCopy = new WorkingCopies(options.WorkRoot).Claim(job.Key);
        using var stopSignal = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; job.Signalled = true; job.RequestStop(abort: false); });
        using var beatCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = HeartbeatLoopAsync(job, beatCts.Token);
        try
        {
            JobState final;
            var failed = false;
            try { final = await ExecuteAsync(job, ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logs.AppendLine($"dstack: {e.Message}");
                final = Failure(job, e);
                failed = true;
            }
            // The working copy is done with: it goes first, so a disk the job filled has room for the result.
            TryDelete(job.WorkDir(options));
            // The end of a job is worth waiting for: through a store outage, its last output and then its result are
            // delivered, in that order, when the store is back, for as long as the options allow.
            var giveUpAt = time.GetUtcNow() + options.StoreRetryAfterJob;
            // Ended by the scheduler, not by dstack: the verdict is the scheduler's, which readers ask for.
            var schedulers = options.SchedulerOwnsSignals && job.Signalled && !job.RequestedInStore && final.Status == JobStatus.Stopped;
            if (schedulers) logs.AppendLine("dstack: the scheduler ended the job (SIGTERM); its outputs are saved");
            await _outage.KeepTryingAsync(() => logs.FlushAsync(final: true, ct), giveUpAt, ct);
            if (schedulers) return final.ExitCode ?? 143;
            await _outage.KeepTryingAsync(() => SetStateAsync(job, final, ct), giveUpAt, ct);
            Diagnostics.StageTrace.Mark("runner: final state stored");
            // After the state, so that the last job of a run to end done sees every job done: workflow deps find it.
            // Likewise the runner that ends the run's last job removes it from plain `ps`'s index; both at once (on a
            // bucket, the marker also lists the run's artifacts).
            await Task.WhenAll(
                final.Status == JobStatus.Done
                    ? _outage.KeepTryingAsync(() => new Runs.DoneRunIndex(storage).MarkIfDoneAsync(job.Run, ct), giveUpAt, ct)
                    : Task.CompletedTask,
                _outage.KeepTryingAsync(() => new Runs.UnfinishedRunIndex(storage).RemoveIfFinishedAsync(job.Run, ct), giveUpAt, ct));
            Diagnostics.StageTrace.Mark("runner: indexes updated");
            // A node of a multi-node Slurm run whose end is stored exits 0: the other nodes read it and stop gracefully,
            // where `srun --kill-on-bad-exit` would kill them at once. Only a runner that could not say how it ended fails its step.
            if (options.SchedulerOwnsSignals && job.Spec.IsMultiNode) return 0;
            return failed ? 1 : final.ExitCode ?? 0;
        }
        finally
        {
            await beatCts.CancelAsync();
            await heartbeat;
            TryDelete(job.WorkDir(options));
            TryDelete(VenvOf(job.WorkDir(options)));
        }
    }

    private async Task<JobState> ExecuteAsync(JobContext job, CancellationToken ct)
    {
        // The job's place in its host's queue is taken first, so that its turn follows its submission order.
        if (OverRequeueLimit(job) is { } over) return over;
        using var turn = await host.EnqueueAsync(job.Key, job.Run.SubmittedAt, job.Spec.Resources, ct);
        job.StartedAt = time.GetUtcNow();
        // The code is fetched while "downloading" is stored (each a round trip on a bucket); the state gate keeps any
        // later state after this one.
        var downloading = SetStateAsync(job, job.Progress(JobStatus.Downloading, time.GetUtcNow()), ct);
        // The real path (DSTACK_HOME may be reached through a symlink): paths in it are checked against it.
        var root = StorePaths.Resolve(job.WorkDir(options), ".")!;
        TryDelete(root);
        Diagnostics.StageTrace.Mark("runner: downloading");
        // The deps' manifests are fetched while the code is (on a bucket, a round trip each): they are placed after it.
        var depManifests = FetchDepManifests(job, ct);
        string workingDir;
        List<Output> outputs;
        try
        {
            try { await _snapshots.MaterializeAsync(job.Run.Code.SnapshotId, root, $"run {job.Run.RunName}", ct); }
            finally { await Observed(downloading); }
            await downloading;
            Diagnostics.StageTrace.Mark("runner: materialized");
            workingDir = ArtifactPaths.Inside(root, root, job.Spec.WorkingDir) ?? throw PathEscapeException.WorkingDir(job.Spec.WorkingDir);
            if (!Directory.Exists(workingDir))
                return FailToStart(job, $"working_dir '{job.Spec.WorkingDir}' does not exist in the repository");
            if (job.Spec.Requirements is { } requirements && ArtifactPaths.Inside(root, workingDir, requirements) is null)
                throw PathEscapeException.Requirements(requirements);
            await PlaceDepsAsync(job, root, workingDir, depManifests, ct);
            if (depManifests.Count > 0) Diagnostics.StageTrace.Mark("runner: deps placed");
            outputs = PrepareOutputs(job, root, workingDir);
            await RestoreCheckpointsAsync(job, outputs, ct);
        }
        catch (Errors.DstackException e) when (e is StoreContentException or PathEscapeException)
        {
            // What the store holds is not what dstack wrote there, or leads outside: the job never starts.
            return FailToStart(job, e.Message);
        }
        finally
        {
            foreach (var manifest in depManifests) await Observed(manifest); // placed, or not needed after a failure
        }
        // The executor says how it runs the job (host or container: the runner never asks which).
        var plan = await executor.PlanAsync(job.Spec, ct);
        var script = root + ".sh";
        await File.WriteAllTextAsync(script, JobEnvironment.Script(plan.Commands), ct);

        // Everything is ready before the job waits for its resources, so a freed slot is taken at once.
        using var resources = await ReserveAsync(job, turn, plan.Notes, ct);
        if (resources.Cancelled is { } cancelled) return StoppedBeforeStart(job, cancelled);
        // Ports are taken only now, so that a queued job holds none (and shows no URL) while it waits.
        job.Ports = host.AllocatePorts(job.Spec.Ports);
        var (nodes, ended) = await MeetNodesAsync(job, ct);
        if (ended is not null) return ended;
        // The bottom layer is what the commands' own process would start from, as the executor says.
        var env = JobEnvironment.Build(plan.BaseEnvironment, job.Run, job.Spec, job.Ports, job.Secrets, host.Hostname, nodes);
        // GPUs are assigned exclusively: a job sees the ones it was given, and none when it asked for none.
        if (resources.VisibleGpus is { } gpus) env["CUDA_VISIBLE_DEVICES"] = string.Join(',', gpus);
        env["DSTACK_ATTEMPT"] = job.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var serverToken = job.ServerToken;
        if (serverToken is not null) env[JobSpec.ServerTokenVariable] = serverToken;
        if (plan.NeedsHostPython && await PreparePythonAsync(job, root, workingDir, env, ct) is { } setupFailed) return setupFailed;

        if (await StopRequestedAsync(job, ct) is { } early) return StoppedBeforeStart(job, early);

        Diagnostics.StageTrace.Mark("runner: starting job");
        var running = executor.Start(new JobLaunch(script, workingDir, env)
        {
            Spec = job.Spec, Key = job.Key, Repo = job.Run.Repo, RunName = job.Run.RunName, Root = root,
            OutputFolders = outputs.Select(o => o.Folder).ToList(), Gpus = resources.DeviceGpus ?? resources.VisibleGpus,
            CpuSet = resources.CpuSet, Ports = job.Ports,
        }, job.Logs.Append);
        job.Process = running;
        job.Note = string.Join("; ", new[] { job.Note, running.Note }.OfType<string>()) is { Length: > 0 } note ? note : null;
        await _outage.TryAsync(() => WriteHeartbeatAsync(job, ct), ct);
        using var liveCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var live = LiveSaveLoopAsync(job, outputs, liveCts.Token);
        var probe = serverToken is null ? Task.CompletedTask : AwaitServerAsync(job, running, env, serverToken, liveCts.Token);
        var exitCode = await SuperviseAsync(job, running, ct);
        Diagnostics.StageTrace.Mark("runner: job exited");
        var outOfMemory = exitCode != 0 && running.OutOfMemory;
        resources.Dispose(); // the next queued job may start while this one's outputs are saved
        await liveCts.CancelAsync();
        await live;
        await probe;
        TryDelete(script);
        // An abort saves nothing new; done, failed and gracefully stopped jobs keep their outputs.
        if (job.StopMode != StopMode.Abort && outputs.Count > 0 && await SaveOutputsAsync(job, outputs, root, ct) is { } failure)
            return failure;
        var final = job.StopMode switch
        {
            null when outOfMemory =>
                Finished(job, JobStatus.Failed, TerminationReason.OutOfMemory, exitCode, $"memory limit {Compute.ResourceFit.Bytes(job.Spec.Resources!.MemoryBytes ?? 0)}"),
            StopMode.Abort => Finished(job, JobStatus.Aborted, TerminationReason.AbortedByUser, exitCode),
            StopMode.Graceful when job.NodeFailure is { } other && !job.RequestedInStore =>
                Finished(job, JobStatus.Failed, TerminationReason.NodeFailed, exitCode, other),
            StopMode.Graceful => Finished(job, JobStatus.Stopped, TerminationReason.StoppedByUser, exitCode),
            _ when exitCode == 0 => Finished(job, JobStatus.Done, TerminationReason.Completed, 0),
            _ => Finished(job, JobStatus.Failed, TerminationReason.ExitCode, exitCode),
        };
        if (final.Status == JobStatus.Done && job.Run.TagOnDone is { } tag) await TagAsync(job, tag, ct);
        return final;
    }

    /// <summary>
    /// Waits for the job, flushing logs and acting on stop requests meanwhile. It is <c>running</c> once its commands
    /// are (a container is created first, which may take a while). The store failing never ends the job: its
    /// output is kept and goes out in order when the store is back (<see cref="StoreOutage"/> paces the tries). Flushes
    /// and stop checks run beside this loop, one of each at a time, so a store slow to fail never delays a kill.
    /// </summary>
    private async Task<int> SuperviseAsync(JobContext job, IRunningJob running, CancellationToken ct)
    {
        var lastStopCheck = DateTimeOffset.MinValue;
        DateTimeOffset? killAt = null;
        var shownRunning = false;
        string? shownLink = null;
        var shipping = Task.CompletedTask;
        var checking = Task.CompletedTask;
        while (!running.Completion.IsCompleted)
        {
            if (!shownRunning && running.Started.IsCompleted)
            {
                shownRunning = true;
                if (job.StopMode is null) await SetProgressAsync(job, job.Progress(JobStatus.Running, time.GetUtcNow()), ct);
                shownLink = job.Link;
            }
            // A dev environment's server answered: its link goes into the running state.
            if (shownRunning && job.Link != shownLink && job.StopMode is null)
            {
                shownLink = job.Link;
                await SetProgressAsync(job, job.Progress(JobStatus.Running, time.GetUtcNow()), ct);
            }
            var tick = Task.Delay(options.LogFlushInterval, time, ct);
            await (shownRunning ? Task.WhenAny(running.Completion, tick) : Task.WhenAny(running.Completion, running.Started, tick));
            if (shipping.IsCompleted) shipping = ShipLogsAsync(job, ct);
            var now = time.GetUtcNow();
            if (checking.IsCompleted && now - lastStopCheck >= options.StopPollInterval)
            {
                lastStopCheck = now;
                checking = CheckStopRequestAsync(job, ct);
            }
            switch (job.TakeStopAction())
            {
                case StopMode.Abort:
                    running.Kill();
                    break;
                case StopMode.Graceful:
                    // SIGTERM first and the grace counted from it: a slow store never shortens the job's time to clean up.
                    running.Terminate();
                    killAt = time.GetUtcNow() + options.StopGrace;
                    await SetProgressAsync(job, job.Progress(JobStatus.Stopping, now), ct);
                    break;
            }
            if (killAt is { } deadline && now >= deadline) running.Kill();
        }
        await Task.WhenAll(shipping, checking);
        return await running.Completion;
    }

    /// <summary>Output first, then a state the store could not take before: a reader never sees a state ahead of the output.</summary>
    private async Task ShipLogsAsync(JobContext job, CancellationToken ct)
    {
        if (await _outage.TryAsync(() => job.Logs.FlushAsync(final: false, ct), ct)) await SendUnsentProgressAsync(job, ct);
    }

    private async Task CheckStopRequestAsync(JobContext job, CancellationToken ct)
    {
        StopRequest? request = null;
        await _outage.TryAsync(async () => request = await _runs.GetStopRequestAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, ct), ct);
        if (request is null)
        {
            await CheckOtherNodesAsync(job, ct);
            return;
        }
        job.RequestedInStore = true;
        job.RequestStop(request.Abort);
    }

    private async Task<StopRequest?> StopRequestedAsync(JobContext job, CancellationToken ct)
    {
        var request = await _runs.GetStopRequestAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, ct);
        return request ?? (job.StopMode is { } mode ? new StopRequest(mode == StopMode.Abort, time.GetUtcNow()) : null);
    }

    private JobState StoppedBeforeStart(JobContext job, StopRequest request) => request.Abort
        ? Finished(job, JobStatus.Aborted, TerminationReason.AbortedByUser, null)
        : Finished(job, JobStatus.Stopped, TerminationReason.StoppedByUser, null);

    /// <summary>The job's end when the runner itself failed: a full disk is the user's to fix, and says which one.</summary>
    private JobState Failure(JobContext job, Exception e) => DiskFullException.IsDiskFull(e)
        ? Finished(job, JobStatus.Failed, TerminationReason.DiskFull, null, DiskFullException.At(options.WorkRoot, e).Filesystem)
        : Finished(job, JobStatus.Failed, TerminationReason.RunnerFailed, null, e.Message);

    private JobState FailToStart(JobContext job, string why)
    {
        job.Logs.AppendLine($"dstack: {why}");
        return Finished(job, JobStatus.Failed, TerminationReason.FailedToStart, null, why);
    }

    /// <summary>
    /// The job's final state. The detail may quote the job's output (pip's error, an exception) and ends up in
    /// the run's state and in <c>ps</c>, so secrets are masked in it as in the logs.
    /// </summary>
    private JobState Finished(JobContext job, JobStatus status, TerminationReason reason, int? exitCode, string? detail = null) =>
        new()
        {
            Status = status, Reason = reason, ExitCode = exitCode, Detail = detail is null ? null : job.Masker.Apply(detail),
            UpdatedAt = time.GetUtcNow(), StartedAt = job.StartedAt, FinishedAt = time.GetUtcNow(),
            Ports = job.Ports, Host = job.Host, Note = job.Note, Attempt = job.Attempt,
        };

    private async Task SetStateAsync(JobContext job, JobState state, CancellationToken ct)
    {
        await _stateGate.WaitAsync(ct);
        try
        {
            if (await SupersededAsync(job, ct)) return;
            _lastState = state;
            await _runs.PutStateAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, state, ct);
        }
        finally { _stateGate.Release(); }
    }

    /// <summary>A state on the way (running, stopping, uploading): when the store cannot take it now, it is sent after the logs once it can.</summary>
    private async Task SetProgressAsync(JobContext job, JobState state, CancellationToken ct)
    {
        _unsentProgress = state;
        await SendUnsentProgressAsync(job, ct);
    }

    private async Task SendUnsentProgressAsync(JobContext job, CancellationToken ct)
    {
        if (_unsentProgress is { } state && await _outage.TryAsync(() => SetStateAsync(job, state, ct), ct))
            Interlocked.CompareExchange(ref _unsentProgress, null, state);
    }

    private async Task HeartbeatLoopAsync(JobContext job, CancellationToken ct)
    {
        // A failed beat (the store unreachable) never kills the job: the outage paces the next tries.
        var lastBeat = time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (await _outage.TryAsync(() => WriteHeartbeatAsync(job, ct), ct))
                {
                    // Silent long enough for a reader to have declared it lost: it looks, and takes the job back.
                    var now = time.GetUtcNow();
                    if (now - lastBeat <= Runs.RunMonitor.StaleHeartbeat || await _outage.TryAsync(() => ReclaimAsync(job, ct), ct)) lastBeat = now;
                }
                await Task.Delay(options.HeartbeatInterval, time, ct);
            }
            catch (OperationCanceledException) { return; }
        }
    }

    private Task WriteHeartbeatAsync(JobContext job, CancellationToken ct) =>
        _runs.PutHeartbeatAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index,
            new Heartbeat(time.GetUtcNow(), Environment.ProcessId, options.MachineName ?? Environment.MachineName, job.Process?.Pid, job.Process?.StartTicks), ct);

    /// <summary>
    /// The runner is started while the CLI still stores the run's code and record: wait for the record as long as the
    /// CLI is at it (<see cref="SubmitWatch"/>; a CLI that failed meanwhile kills the runner, one that died leaves it to give up here).
    /// </summary>
    /// <remarks>
    /// The job's state is asked with each read of the record (on a bucket, one round trip for both): the CLI stores it before
    /// the record, so a state missing beside a record that is there was read before it was written, and is asked again.
    /// </remarks>
    private async Task<(RunRecord Run, JobState? State)> WaitForRecordAsync(RepoRef repo, string runName, int jobIndex, CancellationToken ct)
    {
        var submitter = new SubmitWatch(storage, repo, runName, time);
        var started = time.GetUtcNow();
        while (true)
        {
            // A local store is asked every millisecond at first (a small run's record comes within a few; at most 50 reads
            // of a missing file), then every 5 ms; a bucket every 25 ms for 2 s (a small run's record comes within a few
            // round trips; a poll 100 ms apart came 50 ms late on average), then every 100 ms.
            var waited = time.GetUtcNow() - started;
            var pause = storage is not LocalStorage
                ? waited < TimeSpan.FromSeconds(2) ? TimeSpan.FromMilliseconds(25) : TimeSpan.FromMilliseconds(100)
                : waited < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(1) : TimeSpan.FromMilliseconds(5);
            var stateRead = _runs.GetStateAsync(repo, runName, jobIndex, ct);
            var found = await _runs.GetAsync(repo, runName, ct);
            var state = await stateRead;
            if (found is not null) return (found, state ?? await _runs.GetStateAsync(repo, runName, jobIndex, ct));
            if (!await submitter.SubmitterAliveAsync(ct))
            {
                // The CLI removes its marker once the record is stored: read it once more.
                var run = await _runs.GetAsync(repo, runName, ct) ?? throw Runs.RunException.NeverStored(runName, repo);
                return (run, await _runs.GetStateAsync(repo, runName, jobIndex, ct));
            }
            await Task.Delay(pause, time, ct);
        }
    }

    /// <summary>Waits for a task started alongside another that failed: its own failure is the other's to report.</summary>
    private static async Task Observed(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is not OutOfMemoryException) { }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
