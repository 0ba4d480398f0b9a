using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>resources</c> on this machine: requests it can never satisfy fail at submit; the others queue in submission
/// order for CPUs, memory and GPUs (held exclusively), and CPU and memory limits are enforced with cgroups.
/// </summary>
public sealed partial class ResourcesTests
{
    private static readonly int Cpus = Environment.ProcessorCount;

    /// <summary>
    /// Job lines for a job that says when it started and waits to be let go, each by its own run name:
    /// it appends the name to <c>$E2E_SIGNALS/order</c>, writes its <c>CUDA_VISIBLE_DEVICES</c> to
    /// <c>started-RUN</c>, and waits for <c>go-RUN</c>.
    /// </summary>
    private const string StartAndWait = """
              - echo "$RUN_NAME" >> "$E2E_SIGNALS/order"
              - printf '%s' "$CUDA_VISIBLE_DEVICES" > "$E2E_SIGNALS/.started-$RUN_NAME" && mv "$E2E_SIGNALS/.started-$RUN_NAME" "$E2E_SIGNALS/started-$RUN_NAME"
              - until [ -e "$E2E_SIGNALS/go-$RUN_NAME" ]; do sleep 0.05; done
        """;

    private static string Workflow(string name, string resources, string commands = StartAndWait) => $"""
        workflows:
          - name: {name}
            provider: bash
            resources:
              {resources}
            commands:
        {commands}
        """;

    [Fact]
    public async Task Run_MoreCpusThanTheMachineHas_FailsAtSubmit_NamingHowManyItHas()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflow("train", $"cpu: {Cpus + 1}")).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ShouldBeOneErrorLine($"Error: This run needs {Cpus + 1} CPUs; this machine has {Cpus}.");
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("100TB", "93132.3GiB")] // decimal: 100 × 10^12 bytes
    [InlineData("100TiB", "102400GiB")] // binary: 100 × 2^40 bytes
    public async Task Run_MoreMemoryThanTheMachineHas_FailsAtSubmit_NamingHowMuchItHas(string request, string needs)
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflow("train", $"memory: {request}")).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ShouldBeOneErrorLine($"Error: This run needs {needs} of memory; this machine has ");
        var has = MachineHas().Match(result.StdErr);
        has.Success.ShouldBeTrue(result.ToString());
        double.Parse(has.Groups[1].Value, CultureInfo.InvariantCulture).ShouldBe(MemTotalGiB(), 0.1, result.ToString());
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Run_GpuOnAMachineWithoutGpus_FailsAtSubmit_SayingItHasNone()
    {
        await using var sandbox = new Sandbox().WithoutGpus().WithWorkflows(Workflow("train", "gpu: {name: V100, count: 1}")).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ShouldBeOneErrorLine("Error: This run needs 1 GPU (V100); this machine has none.");
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("gpu: 3", "3 GPUs")]
    [InlineData("gpu: {name: V100}", "1 GPU (V100)")]
    [InlineData("gpu: {count: 1, memory: 80GB}", "1 GPU (≥74.5GiB)")]
    public async Task Run_GpusTheMachineDoesNotHave_FailAtSubmit_NamingTheGpusItHas(string gpu, string needs)
    {
        await using var sandbox = new Sandbox().WithFakeGpus(Sandbox.TwoA100s).WithWorkflows(Workflow("train", gpu)).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ShouldBeOneErrorLine(
            $"Error: This run needs {needs}; this machine has NVIDIA A100-SXM4-40GB (40GiB), NVIDIA A100-SXM4-40GB (40GiB).");
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("gpu: {name: a100}", "1")] // a part of the name, in any case
    [InlineData("gpu: {count: 1, memory: 20GB}", "1")]
    [InlineData("gpu: {name: T4}", "0")]
    [InlineData("gpu: 2", "0,1")]
    public async Task Run_GpuRequestByCountNameOrMemory_GetsMatchingGpusOnly(string gpu, string expected)
    {
        await using var sandbox = new Sandbox().WithFakeGpus("0, Tesla T4, 15360", "1, NVIDIA A100-SXM4-40GB, 40960")
            .WithWorkflows(Workflow("train", gpu, "      - echo \"cuda=$CUDA_VISIBLE_DEVICES\"")).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe($"cuda={expected}\n");
    }

    [Fact]
    public async Task Run_RequestsThatMustWait_ArePendingWithTheReason_AndStartInSubmissionOrder()
    {
        var cpus = $"{Cpus} CPU{(Cpus == 1 ? "" : "s")}";
        await using var sandbox = new Sandbox().WithWorkflows(Workflow("hold", $"cpu: {Cpus}") + """

              - name: free
                provider: bash
                commands: [echo "not queued"]
            """).Commit();
        var first = await sandbox.RunDetachedAsync("hold");
        await sandbox.WaitForSignalAsync($"started-{first}");
        var second = await sandbox.RunDetachedAsync("hold");
        await using var third = sandbox.StartLive("run", "hold");
        var thirdRun = await third.SubmittedRunAsync();
        var fourth = await sandbox.RunDetachedAsync("hold");

        await WaitForReasonAsync(sandbox, second, $"waiting for {cpus} (0 free)");
        await WaitForReasonAsync(sandbox, thirdRun, "queued behind 1 earlier run");
        await WaitForReasonAsync(sandbox, fourth, "queued behind 2 earlier runs");
        await third.WaitForStdErrAsync("Pending: queued behind 1 earlier run\n");
        var free = await sandbox.DstackAsync("run", "free");
        free.ExitCode.ShouldBe(0, free.ToString());
        free.StdOut.ShouldBe("not queued\n", "a run that asks for no resources does not queue");

        sandbox.Raise($"go-{first}");
        await sandbox.WaitForSignalAsync($"started-{second}");
        await WaitForReasonAsync(sandbox, thirdRun, $"waiting for {cpus} (0 free)");
        sandbox.Raise($"go-{second}");
        await sandbox.WaitForSignalAsync($"started-{thirdRun}");
        sandbox.Raise($"go-{thirdRun}");
        await sandbox.WaitForSignalAsync($"started-{fourth}");
        sandbox.Raise($"go-{fourth}");

        (await third.WaitForExitAsync()).ExitCode.ShouldBe(0);
        foreach (var run in new[] { first, second, fourth }) (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");
        File.ReadAllLines(Path.Combine(sandbox.Signals, "order")).ShouldBe([first, second, thirdRun, fourth]);
    }

    [Fact]
    public async Task Run_GpuJobs_GetDifferentGpusExclusively_AndAThirdWaitsForOneToBeFreed()
    {
        await using var sandbox = new Sandbox().WithFakeGpus(Sandbox.TwoA100s).WithWorkflows(Workflow("train", "gpu: 1")).Commit();
        var first = await sandbox.RunDetachedAsync("train");
        var second = await sandbox.RunDetachedAsync("train");
        var firstGpu = await StartedWithGpuAsync(sandbox, first);
        var secondGpu = await StartedWithGpuAsync(sandbox, second);

        new[] { firstGpu, secondGpu }.ShouldBe(["0", "1"], ignoreOrder: true);

        var third = await sandbox.RunDetachedAsync("train");
        await WaitForReasonAsync(sandbox, third, "waiting for 1 GPU (0 free)");
        sandbox.Raise($"go-{first}");

        (await StartedWithGpuAsync(sandbox, third)).ShouldBe(firstGpu, "the third run gets the GPU the first one gave back");
        sandbox.Raise($"go-{second}");
        sandbox.Raise($"go-{third}");
        foreach (var run in new[] { first, second, third }) (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");
    }

    [Fact]
    public async Task Run_OverItsMemoryLimit_FailsAsOutOfMemory_OrPsSaysTheLimitIsNotEnforced()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflow("hog", "memory: 50MB", """
                  - echo allocating
                  - python3 -c 'b = b"x" * (200 * 1024 * 1024); print(len(b))'
                  - echo survived
            """)).Commit();
        if (!Cgroups.AreWritable)
        {
            await ShouldSayLimitsAreNotEnforcedAsync(sandbox, "memory: 50MB");
            return;
        }

        var result = await sandbox.DstackAsync("run", "hog");

        result.ExitCode.ShouldNotBe(0, result.ToString());
        result.StdOut.ShouldStartWith("allocating\n");
        result.StdOut.ShouldNotContain("survived");
        result.StdErr.ShouldContain($"Run {result.SubmittedRun} failed: out of memory (memory limit 48MiB)");
        var row = await sandbox.RowAsync(result.SubmittedRun);
        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe("out of memory (memory limit 48MiB)");
    }

    [Fact]
    public async Task Run_WithACpuLimit_RunsInADstackCpuGroupWithThatQuota_OrPsSaysTheLimitIsNotEnforced()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflow("train", "cpu: 1", """
                  - |
                    if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
                      group=$(sed -n 's/^0:://p' /proc/self/cgroup)
                      echo "group=$group limit=$(cat /sys/fs/cgroup$group/cpu.max)"
                    else
                      group=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' /proc/self/cgroup)
                      echo "group=$group limit=$(cat /sys/fs/cgroup/cpu$group/cpu.cfs_quota_us)"
                    fi
            """)).Commit();
        if (!Cgroups.AreWritable)
        {
            await ShouldSayLimitsAreNotEnforcedAsync(sandbox, "cpu: 1");
            return;
        }

        var result = await sandbox.DstackAsync("run", "train");

        result.ExitCode.ShouldBe(0, result.ToString());
        var run = result.SubmittedRun;
        result.StdOut.ShouldBe($"group=/dstack/acme.widgets.{run}.0 limit={(Cgroups.AreV2 ? "100000 100000" : "100000")}\n");
    }

    [Fact]
    public async Task Ps_InterruptibleAndShmSize_ShowANoteWhileTheRunIsRunning()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflow("spot", "interruptible: true\n      shm_size: 1GB")).Commit();
        var run = await sandbox.RunDetachedAsync("spot");
        await sandbox.WaitForSignalAsync($"started-{run}");

        var row = await sandbox.RowAsync(run);

        row.Status.ShouldBe("Running", row.ToString());
        row.Reason.ShouldBe("interruptible has no effect on this machine; shm_size applies to containers only");
        sandbox.Raise($"go-{run}");
        var done = await sandbox.WaitFinishedAsync(run);
        done.Status.ShouldBe("Done");
        done.Reason.ShouldNotContain("interruptible");
    }

    [Theory]
    [InlineData("    resources:\n      memory: 16XB", "5:15: invalid resources.memory '16XB': unknown memory unit 'XB'")]
    [InlineData("    resources:\n      gpu: -1", "5:12: property 'resources.gpu' must be an integer of at least 0 or a mapping {name, count, memory}, got -1")]
    [InlineData("    resources:\n      cpu: 0", "5:12: property 'resources.cpu' must be an integer of at least 1, got 0")]
    [InlineData("    ports: 100000", "4:12: property 'ports' must be an integer between 0 and 100, got 100000")]
    public async Task Run_InvalidResourceOrPorts_IsRefusedAtSubmit_WithFileLineAndColumn(string property, string error)
    {
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: train
                provider: bash
            {property}
                commands: [echo never]
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ShouldBeOneErrorLine($"Error: .dstack/workflows.yaml:{error}");
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    /// <summary>Where cgroups are not writable: the job runs unlimited and <c>ps</c> says so while it runs.</summary>
    private static async Task ShouldSayLimitsAreNotEnforcedAsync(Sandbox sandbox, string resources)
    {
        sandbox.WithWorkflows(Workflow("limited", resources)).Commit("limited");
        var run = await sandbox.RunDetachedAsync("limited");
        await sandbox.WaitForSignalAsync($"started-{run}");
        var row = await sandbox.RowAsync(run);
        row.Status.ShouldBe("Running", row.ToString());
        row.Reason.ShouldStartWith("CPU and memory limits not enforced: ", customMessage: row.ToString());
        sandbox.Raise($"go-{run}");
        (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");
    }

    private static async Task<string> StartedWithGpuAsync(Sandbox sandbox, string run)
    {
        await sandbox.WaitForSignalAsync($"started-{run}");
        return File.ReadAllText(Path.Combine(sandbox.Signals, $"started-{run}"));
    }

    private static Task<PsRow> WaitForReasonAsync(Sandbox sandbox, string run, string reason) =>
        Eventually.ReturnsAsync(() => sandbox.RowAsync(run), r => r.Status == "Pending" && r.Reason == reason, TimeSpan.FromSeconds(30),
            $"{run} to be Pending: {reason}");

    private static double MemTotalGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / (double)(1 << 20);
    }

    [GeneratedRegex(@"this machine has ([\d.]+)GiB\.")]
    private static partial Regex MachineHas();
}
