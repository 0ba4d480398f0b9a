using Dstack.Core.Models;
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
    public async Task Job_WaitsPendingForItsHostsTurn_ThenSeesTheGrantedGpusAndTheHostsAddress()
    {
        var request = new JobResources { GpuCount = 1 };
        await _h.SubmitAsync(new JobSpec { Commands = ["true"], Ports = 1, Resources = request });
        _h.Start();
        await _h.DriveUntilStatusAsync(JobStatus.Pending);
        (await _h.StateAsync())!.Detail.ShouldBe("waiting for the fake host");
        _h.Executor.Launches.ShouldBeEmpty();

        _host.Grant(3);
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");

        var env = _h.Executor.Launches[0].Environment;
        env["CUDA_VISIBLE_DEVICES"].ShouldBe("3");
        env["HOSTNAME"].ShouldBe("10.0.0.7");
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
}
