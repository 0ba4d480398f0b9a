using Dstack.Core.Compute;
using Dstack.Core.Local;
using Dstack.Core.Models;
using Dstack.Core.Tests.Compute;

namespace Dstack.Core.Tests.Local;

/// <summary>
/// <see cref="LocalCompute"/> with real processes: its "runner" is a shell that becomes <c>sleep</c> (the runner's
/// arguments are only its positional parameters), started detached and killed as a real runner would be.
/// </summary>
public sealed class LocalComputeConformanceTests : ComputeConformanceTests, IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "dstack-compute-" + Guid.NewGuid().ToString("N"));
    private readonly LocalCompute _compute = new(["/bin/sh", "-c", "exec sleep 300", "sh"], TimeProvider.System);

    protected override ICompute Compute => _compute;

    protected override RunnerTarget Target(int job) => new(_home, new RepoRef("owner", "repo"), "conformance-run-1", job);

    protected override Task EndByItselfAsync(LaunchInfo launch)
    {
        var handle = LocalLaunchHandle.Parse(launch.Handle).ShouldNotBeNull();
        PosixProcess.Signal(handle.Pid, PosixProcess.SigKill).ShouldBeTrue();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Handle_OfAnotherMachine_CannotTell_AndIsNeverSignalled()
    {
        var launch = await _compute.StartRunnerAsync(Target(0), default);
        try
        {
            var here = LocalLaunchHandle.Parse(launch.Handle).ShouldNotBeNull();
            var elsewhere = launch with { Handle = (here with { Host = "another-host" }).Format() };

            (await _compute.IsRunnerAliveAsync(elsewhere, default)).ShouldBeNull();
            await _compute.KillRunnerAsync(elsewhere, default);
            (await _compute.IsRunnerAliveAsync(launch, default)).ShouldBe(true, "the same pid on another host is another process");
        }
        finally { await _compute.KillRunnerAsync(launch, default); }
    }

    [Fact]
    public async Task CleanUpLost_KillsTheJobsProcessGroupNamedByTheLastHeartbeat()
    {
        var job = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("setsid", ["sleep", "300"]))!;
        var ticks = PosixProcess.StartTicks(job.Id).ShouldNotBeNull();
        // As a job is by the time its runner is lost: setsid has made it a group leader (a fresh one may not be yet).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!PosixProcess.GroupExists(job.Id) && DateTime.UtcNow < deadline) await Task.Delay(10);
        var launch = await _compute.StartRunnerAsync(Target(0), default);
        await _compute.KillRunnerAsync(launch, default);

        await _compute.CleanUpLostAsync(launch, new Heartbeat(DateTimeOffset.UtcNow, 1, Environment.MachineName, job.Id, ticks), "owner.repo.conformance-run-1.0", default);

        (await job.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token).ContinueWith(t => t.IsCompletedSuccessfully)).ShouldBeTrue();
    }

    [Fact]
    public async Task Runner_LeadsASessionOfItsOwn_ReadsNothing_WritesItsLog_AndInheritsNoDescriptors()
    {
        // The "runner" prints what it got, then becomes sleep: the log says what it inherited, /proc what it leads.
        var compute = new LocalCompute(["/bin/sh", "-c", "echo home=$DSTACK_HOME; cat; echo fds:; ls /proc/$$/fd; exec sleep 300", "sh"], TimeProvider.System);
        // A descriptor of the caller's that is not close-on-exec (as one from a parent process may be).
        using var file = File.OpenHandle(Path.Combine(_home + "-fd"), FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.DeleteOnClose);
        var leaked = Dup((int)file.DangerousGetHandle());
        leaked.ShouldBeGreaterThan(2);
        try
        {
            var launch = await compute.StartRunnerAsync(Target(0), default);
            try
            {
                var pid = LocalLaunchHandle.Parse(launch.Handle).ShouldNotBeNull().Pid;
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
                while (File.ReadAllText($"/proc/{pid}/comm").Trim() != "sleep" && DateTime.UtcNow < deadline) await Task.Delay(10);
                var log = Path.Combine(Core.Config.DstackHome.RunnerLogsOf(_home), "owner.repo.conformance-run-1.0.log");
                File.ReadAllText(log).ShouldBe($"home={_home}\nfds:\n0\n1\n2\n");
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // state, ppid, pgrp, session
                var self = pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
                fields[2].ShouldBe(self, "a process group of its own");
                fields[3].ShouldBe(self, "a session of its own: no terminal reaches it");
            }
            finally { await compute.KillRunnerAsync(launch, default); }
        }
        finally { Close(leaked); }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [Fact]
    public async Task Runner_ThatCannotBeStarted_IsALaunchErrorNamingIt()
    {
        var compute = new LocalCompute(["/nonexistent/dstack"], TimeProvider.System);
        var error = await Should.ThrowAsync<LaunchException>(() => compute.StartRunnerAsync(Target(0), default));
        error.Message.ShouldStartWith("Could not start the runner (/nonexistent/dstack): ");
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
