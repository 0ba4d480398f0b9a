using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runner;

/// <summary>
/// The agent that runs one job: prepares its working copy, runs its commands, ships its logs, watches
/// for stop requests, and writes its status. Once started it is the only writer of that status.
/// </summary>
public sealed partial class JobRunner(IStorage storage, IJobExecutor executor, RunnerOptions options, TimeProvider time)
{
    private readonly RunStore _runs = new(storage);
    private readonly SnapshotStore _snapshots = new(storage);

    public async Task<int> RunAsync(RepoRef repo, string runName, int jobIndex, CancellationToken ct)
    {
        Diagnostics.StageTrace.Mark("runner: start");
        var run = await WaitForRecordAsync(repo, runName, ct);
        var spec = run.Jobs.Single(j => j.Index == jobIndex);
        var state = await _runs.GetStateAsync(repo, runName, jobIndex, ct);
        if (state is null || state.Status != JobStatus.Submitted) return 0; // someone else ran (or ended) it

        // Secret values are read here, by the runner alone, and masked in everything the job prints.
        var secrets = (await new Secrets.SecretStore(storage).ListAsync(repo, ct)).ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        var masker = new SecretMasker(secrets.Values);
        var logs = new LogWriter(storage, repo, runName, jobIndex, time, masker);
        var job = new JobContext(run, spec, logs) { Secrets = secrets, Masker = masker };
        // Held until the working copy is gone: rm and gc remove working copies that no live runner holds.
        using var workingCopy = new WorkingCopies(options.WorkRoot).Claim(job.Key);
        using var stopSignal = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; job.RequestStop(abort: false); });
        using var beatCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = HeartbeatLoopAsync(job, beatCts.Token);
        try
        {
            var final = await ExecuteAsync(job, ct);
            // The end of a job is worth waiting for: through a store outage, keep trying for a few minutes.
            await Persistently(() => logs.FlushAsync(final: true, ct), ct);
            await Persistently(() => SetStateAsync(job, final, ct), ct);
            return final.ExitCode ?? 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logs.AppendLine($"dstack: {e.Message}");
            await logs.FlushAsync(final: true, CancellationToken.None);
            await SetStateAsync(job, Finished(job, JobStatus.Failed, TerminationReason.RunnerFailed, null, e.Message), CancellationToken.None);
            return 1;
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
        var queued = await EnqueueAsync(job, ct);
        job.StartedAt = time.GetUtcNow();
        await SetStateAsync(job, job.Progress(JobStatus.Downloading, time.GetUtcNow()), ct);
        var root = job.WorkDir(options);
        TryDelete(root);
        Diagnostics.StageTrace.Mark("runner: downloading");
        await _snapshots.MaterializeAsync(job.Run.Code.SnapshotId, root, ct);
        Diagnostics.StageTrace.Mark("runner: materialized");
        var workingDir = Path.GetFullPath(Path.Combine(root, job.Spec.WorkingDir));
        if (!Directory.Exists(workingDir))
            return FailToStart(job, $"working_dir '{job.Spec.WorkingDir}' does not exist in the repository");
        await PlaceDepsAsync(job, workingDir, ct);
        var outputs = PrepareOutputs(job, root, workingDir);
        var script = root + ".sh";
        await File.WriteAllTextAsync(script, JobEnvironment.Script(ScriptCommands(job.Spec)), ct);

        // Everything is ready before the job waits for its resources, so a freed slot is taken at once.
        using var resources = await ReserveAsync(job, queued, ct);
        if (resources.Cancelled is { } cancelled) return StoppedBeforeStart(job, cancelled);
        // Ports are taken only now, so that a queued job holds none (and shows no URL) while it waits.
        job.Ports = PortAllocator.Allocate(job.Spec.Ports);
        // The bottom layer is what the commands' own process would start from: the runner's environment on the host,
        // the image's in a container (so that `PATH=$PATH:/opt/bin` extends the image's PATH).
        var system = job.Spec.Image is { } image ? await DockerCli.ImageEnvironmentAsync(image, ct) : JobEnvironment.Current();
        var env = JobEnvironment.Build(system, job.Run, job.Spec, job.Ports, job.Secrets);
        // GPUs are assigned exclusively: a job sees the ones it was given, and none when it asked for none.
        if (resources.VisibleGpus is { } gpus) env["CUDA_VISIBLE_DEVICES"] = string.Join(',', gpus);
        if (job.Spec.Image is null && await PreparePythonAsync(job, root, workingDir, env, ct) is { } setupFailed) return setupFailed;

        if (await StopRequestedAsync(job, ct) is { } early) return StoppedBeforeStart(job, early);

        await SetStateAsync(job, job.Progress(JobStatus.Running, time.GetUtcNow()), ct);
        Diagnostics.StageTrace.Mark("runner: starting job");
        var container = job.Spec.Image is null ? null : Container(job, root, script, outputs.Select(o => o.Folder), resources.VisibleGpus);
        var running = executor.Start(new JobLaunch(script, workingDir, env, resources.Limits?.ProcsFiles, container), job.Logs.Append);
        job.Process = running;
        await WriteHeartbeatAsync(job, ct);
        using var liveCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var live = LiveSaveLoopAsync(job, outputs, liveCts.Token);
        var exitCode = await SuperviseAsync(job, running, ct);
        Diagnostics.StageTrace.Mark("runner: job exited");
        var outOfMemory = exitCode != 0 && resources.Limits?.OutOfMemory() == true;
        resources.Dispose(); // the next queued job may start while this one's outputs are saved
        await liveCts.CancelAsync();
        await live;
        TryDelete(script);
        // An abort saves nothing new; done, failed and gracefully stopped jobs keep their outputs.
        if (job.StopMode != StopMode.Abort && outputs.Count > 0 && await SaveOutputsAsync(job, outputs, root, ct) is { } failure)
            return failure;
        var final = job.StopMode switch
        {
            null when outOfMemory =>
                Finished(job, JobStatus.Failed, TerminationReason.OutOfMemory, exitCode, $"memory limit {Compute.ResourceFit.Bytes(job.Spec.Resources!.MemoryBytes ?? 0)}"),
            StopMode.Abort => Finished(job, JobStatus.Aborted, TerminationReason.AbortedByUser, exitCode),
            StopMode.Graceful => Finished(job, JobStatus.Stopped, TerminationReason.StoppedByUser, exitCode),
            _ when exitCode == 0 => Finished(job, JobStatus.Done, TerminationReason.Completed, 0),
            _ => Finished(job, JobStatus.Failed, TerminationReason.ExitCode, exitCode),
        };
        if (final.Status == JobStatus.Done && job.Run.TagOnDone is { } tag) await TagAsync(job, tag, ct);
        return final;
    }

    /// <summary>Waits for the job, flushing logs and acting on stop requests meanwhile.</summary>
    private async Task<int> SuperviseAsync(JobContext job, IRunningJob running, CancellationToken ct)
    {
        var lastStopCheck = DateTimeOffset.MinValue;
        DateTimeOffset? killAt = null;
        while (!running.Completion.IsCompleted)
        {
            await Task.WhenAny(running.Completion, Task.Delay(options.LogFlushInterval, time, ct));
            await job.Logs.FlushAsync(final: false, ct);
            var now = time.GetUtcNow();
            if (now - lastStopCheck >= options.StopPollInterval)
            {
                lastStopCheck = now;
                if (await StopRequestedAsync(job, ct) is { } request) job.RequestStop(request.Abort);
            }
            switch (job.TakeStopAction())
            {
                case StopMode.Abort:
                    running.Kill();
                    break;
                case StopMode.Graceful:
                    await SetStateAsync(job, job.Progress(JobStatus.Stopping, now), ct);
                    running.Terminate();
                    killAt = now + options.StopGrace;
                    break;
            }
            if (killAt is { } deadline && now >= deadline) running.Kill();
        }
        return await running.Completion;
    }

    private async Task<StopRequest?> StopRequestedAsync(JobContext job, CancellationToken ct)
    {
        var request = await _runs.GetStopRequestAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, ct);
        return request ?? (job.StopMode is { } mode ? new StopRequest(mode == StopMode.Abort, time.GetUtcNow()) : null);
    }

    private JobState StoppedBeforeStart(JobContext job, StopRequest request) => request.Abort
        ? Finished(job, JobStatus.Aborted, TerminationReason.AbortedByUser, null)
        : Finished(job, JobStatus.Stopped, TerminationReason.StoppedByUser, null);

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
            Ports = job.Ports, Host = Environment.MachineName, Note = job.Note,
        };

    private Task SetStateAsync(JobContext job, JobState state, CancellationToken ct) =>
        _runs.PutStateAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, state, ct);

    private async Task HeartbeatLoopAsync(JobContext job, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await WriteHeartbeatAsync(job, ct);
                await Task.Delay(options.HeartbeatInterval, time, ct);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception)
            {
                // A failed beat (the store briefly unreachable) never kills the job; the next one tries again.
                try { await Task.Delay(options.HeartbeatInterval, time, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private Task WriteHeartbeatAsync(JobContext job, CancellationToken ct) =>
        _runs.PutHeartbeatAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index,
            new Heartbeat(time.GetUtcNow(), Environment.ProcessId, Environment.MachineName, job.Process?.Pid, job.Process?.StartTicks), ct);

    /// <summary>
    /// The runner is started while the CLI still stores the run's code and record: wait for the record
    /// (a CLI that failed meanwhile kills the runner; one that died leaves it to give up here).
    /// </summary>
    private async Task<RunRecord> WaitForRecordAsync(RepoRef repo, string runName, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(2);
        var pause = TimeSpan.FromMilliseconds(storage is LocalStorage ? 5 : 100);
        while (true)
        {
            if (await _runs.GetAsync(repo, runName, ct) is { } run) return run;
            if (time.GetUtcNow() > deadline) throw new Errors.DstackException($"Run '{runName}' was never stored in {repo}; nothing to run.");
            await Task.Delay(pause, time, ct);
        }
    }

    /// <summary>Retries a store write with growing pauses (about five minutes in all) before giving up.</summary>
    private async Task Persistently(Func<Task> write, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception) when (attempt < 10 && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, 1 << attempt)), time, ct);
            }
        }
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
