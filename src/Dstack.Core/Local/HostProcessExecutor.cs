using System.Diagnostics;
using Dstack.Core.Runner;

namespace Dstack.Core.Local;

/// <summary>
/// Runs the job's script with bash on this machine, in a session (and process group) of its own, in cgroups of its own
/// when it asks for CPUs or memory (removed when it ends). The clock paces the wait for what the job left running after
/// its shell exited.
/// </summary>
public sealed class HostProcessExecutor(TimeProvider time) : IJobExecutor
{
    /// <summary>How long the job's leftover processes get after its shell exited, before they are killed.</summary>
    private static readonly TimeSpan LeftoverGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GroupPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>A few of the runner's variables (never the caller's whole environment, with the store's credentials); the runner's virtualenv.</summary>
    public Task<JobPlan> PlanAsync(Models.JobSpec spec, CancellationToken ct) =>
        Task.FromResult(new JobPlan(JobEnvironment.HostBase(JobEnvironment.Current()), spec.Commands, NeedsHostPython: true, []));

    public IRunningJob Start(JobLaunch launch, Action<ReadOnlySpan<byte>> output)
    {
        var request = launch.Spec?.Resources;
        var limits = CgroupLimits.TryCreate(launch.Key, request?.Cpu, request?.MemoryBytes, out var whyNot);
        try { return Start(launch, limits, whyNot is null ? null : $"CPU and memory limits not enforced: {whyNot}", output); }
        catch
        {
            limits?.Remove();
            throw;
        }
    }

    private IRunningJob Start(JobLaunch launch, CgroupLimits? limits, string? note, Action<ReadOnlySpan<byte>> output)
    {
        // setsid makes bash the leader of a new process group, so a stop reaches every process the job started.
        var psi = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "setsid")
        {
            WorkingDirectory = launch.WorkingDir,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (limits?.ProcsFiles is { Count: > 0 } procs)
        {
            // The shell joins the job's cgroups before it becomes bash, so no process of the job escapes the limits.
            psi.ArgumentList.Add("/bin/sh");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("for f do echo $$ > \"$f\"; done 2>/dev/null; exec bash \"$0\"");
            psi.ArgumentList.Add(launch.ScriptPath);
            foreach (var file in procs) psi.ArgumentList.Add(file);
        }
        else
        {
            psi.ArgumentList.Add("bash");
            psi.ArgumentList.Add(launch.ScriptPath);
        }
        psi.Environment.Clear();
        foreach (var (name, value) in launch.Environment) psi.Environment[name] = value;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start bash.");
        process.StandardInput.Close();
        return new HostJob(process, output, time, limits) { Note = note };
    }

    private sealed class HostJob : IRunningJob
    {
        private readonly Process _process;
        private readonly TimeProvider _time;
        private volatile bool _terminating;
        private volatile bool _killed;

        private readonly CgroupLimits? _limits;

        public HostJob(Process process, Action<ReadOnlySpan<byte>> output, TimeProvider time, CgroupLimits? limits)
        {
            _process = process;
            _time = time;
            _limits = limits;
            Pid = process.Id;
            StartTicks = PosixProcess.StartTicks(process.Id) ?? 0;
            Completion = RunAsync(output);
        }

        public int Pid { get; }
        public long StartTicks { get; }
        public Task Started => Task.CompletedTask;
        public Task<int> Completion { get; }
        public string? Note { get; init; }
        public bool OutOfMemory { get; private set; }

        public void Terminate()
        {
            _terminating = true;
            PosixProcess.SignalGroup(Pid, PosixProcess.SigTerm);
        }

        public void Kill()
        {
            _killed = true;
            PosixProcess.SignalGroup(Pid, PosixProcess.SigKill);
        }

        private async Task<int> RunAsync(Action<ReadOnlySpan<byte>> output)
        {
            var pump = PumpAsync(_process.StandardOutput.BaseStream, output);
            await _process.WaitForExitAsync();
            // Whatever the job left running in the background ends with it; its output pipe then closes.
            await EndGroupAsync();
            await pump;
            var code = _process.ExitCode;
            _process.Dispose();
            // Read before the cgroups go: they hold the kernel's count of out-of-memory kills.
            OutOfMemory = code != 0 && _limits?.OutOfMemory() == true;
            _limits?.Remove();
            return code;
        }

        private async Task EndGroupAsync()
        {
            if (_terminating)
            {
                // A graceful stop is under way: the shell may exit at once on SIGTERM while its children still
                // clean up. They keep the whole grace period; the runner's Kill at its end finishes them.
                while (!_killed && PosixProcess.GroupExists(Pid)) await Task.Delay(GroupPoll, _time);
                return;
            }
            if (!PosixProcess.SignalGroup(Pid, PosixProcess.SigTerm)) return;
            var killAt = _time.GetUtcNow() + LeftoverGrace;
            while (_time.GetUtcNow() < killAt && PosixProcess.GroupExists(Pid)) await Task.Delay(GroupPoll, _time);
            PosixProcess.SignalGroup(Pid, PosixProcess.SigKill);
        }

        private static async Task PumpAsync(Stream stream, Action<ReadOnlySpan<byte>> output)
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0) output(buffer.AsSpan(0, read));
        }
    }
}
