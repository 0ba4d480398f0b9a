using Dstack.Core.Models;
using Dstack.Core.Runner;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runner;

/// <summary>The runner reaches its host's queue, GPUs and address through <see cref="Core.Compute.IJobHost"/> only.</summary>
public sealed class JobRunnerHostTests : IDisposable
{
    private readonly FakeJobHost _host = new("10.0.0.7");
    private readonly RunnerHarness _h;

    public JobRunnerHostTests() => _h = new RunnerHarness { Host = _host };

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Job_WaitsPendingForItsHostsTurn_ThenSeesTheGrantedGpusAndTheHostsAddressAndPorts()
    {
        var request = new JobResources { GpuCount = 1 };
        await _h.SubmitAsync(new JobSpec { Commands = ["true"], Ports = 1, Resources = request });
        _h.Start();
        await _h.DriveUntilStatusAsync(JobStatus.Pending);
        (await _h.StateAsync())!.Detail.ShouldBe("waiting for the fake host");
        _h.Executor.Launches.ShouldBeEmpty();
        _host.PortsAllocated.ShouldBe(0, "a queued job holds no ports");

        _host.Grant(3);
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");

        var env = _h.Executor.Launches[0].Environment;
        env["CUDA_VISIBLE_DEVICES"].ShouldBe("3");
        env["HOSTNAME"].ShouldBe("10.0.0.7");
        env["PORT_0"].ShouldBe("41000", "ports come from the job's host, not from the machine the test runs on");
        _host.Enqueued.ShouldBe([("owner.repo.fake-run-1.0", request)]);
        _h.Executor.Job!.MarkStarted();
        _h.Executor.Job.Exit(0);
        await _h.FinishAsync();
        _host.Released.ShouldBe(1);
    }

    [Fact]
    public async Task Stop_WhileWaitingForTheHost_GivesTheTurnBack_WithoutStartingTheJob()
    {
        await _h.SubmitAsync(new JobSpec { Commands = ["true"], Resources = new JobResources { Cpu = 2 } });
        _h.Start();
        await _h.DriveUntilStatusAsync(JobStatus.Pending);

        await _h.RequestStopAsync(abort: false);
        await _h.FinishAsync();

        (await _h.StatusAsync()).ShouldBe(JobStatus.Stopped);
        _h.Executor.Launches.ShouldBeEmpty();
        _host.Released.ShouldBe(1);
    }

    [Fact]
    public async Task Executor_PlansTheJob_TheRunnerRunsItsCommandsOnItsBase_WithoutAskingWhichExecutorItIs()
    {
        var host = new FakeJobHost();
        host.Grant();
        using var h = new RunnerHarness
        {
            Host = host,
            Plan = spec => new JobPlan(new Dictionary<string, string> { ["PATH"] = "/opt/image/bin", ["FROM_IMAGE"] = "yes" },
                ["echo planned", .. spec.Commands], NeedsHostPython: false, ["the plan's note"]),
        };
        // No Python 3.4 anywhere: a runner that set up a host virtualenv regardless would fail the job.
        await h.SubmitAsync(new JobSpec { Commands = ["train"], Python = "3.4", Env = ["PATH=$PATH:/extra"] });
        h.Start();
        await h.DriveUntilAsync(() => h.Executor.Job is not null, "the job to be launched");

        var launch = h.Executor.Launches[0];
        File.ReadAllText(launch.ScriptPath).ShouldContain("echo planned\ntrain\n");
        launch.Environment["FROM_IMAGE"].ShouldBe("yes");
        launch.Environment["PATH"].ShouldBe("/opt/image/bin:/extra");
        launch.Spec!.Commands.ShouldBe(["train"]);
        launch.Key.ShouldBe("owner.repo.fake-run-1.0");
        Directory.Exists(launch.Root).ShouldBeTrue("the working copy is the executor's to mount");
        h.Executor.Job!.MarkStarted();
        await h.DriveUntilStatusAsync(JobStatus.Running);
        (await h.StateAsync())!.Note.ShouldBe("the plan's note");
        h.Executor.Job.Exit(0);
        (await h.FinishAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Python_TheHostLacks_FailsToStart_NamingWhatTheHostHas()
    {
        var host = new FakeJobHost { Pythons = new() { ["3.10.12"] = "/nonexistent/python3.10" } };
        host.Grant();
        using var h = new RunnerHarness { Host = host };
        await h.SubmitAsync(new JobSpec { Commands = ["train"], Python = "3.12" });
        h.Start();

        await h.FinishAsync();

        var state = (await h.StateAsync())!;
        state.Reason.ShouldBe(TerminationReason.FailedToStart);
        state.Detail.ShouldBe("Python 3.12 is not installed on the fake host; installed: 3.10");
        h.Executor.Launches.ShouldBeEmpty();
    }
}
