using Dstack.Core.Compute.Slurm;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Slurm;

public sealed class SlurmRequeueTests
{
    private static readonly JobResources Interruptible = new() { Interruptible = true };

    [Fact]
    public void AnInterruptibleJob_IsRequeueable_AndItsRunnerIsToldTheLimit()
    {
        SlurmRequeue.SbatchOption(Interruptible).ShouldBe("--requeue");
        SlurmRequeue.RunnerArgs(new SlurmSettings(), Interruptible).ShouldBe(["--max-requeues", "3"]);
        SlurmRequeue.RunnerArgs(new SlurmSettings(MaxRequeues: 0), Interruptible).ShouldBe(["--max-requeues", "0"]);
    }

    [Fact]
    public void EveryOtherJob_IsNotRequeueable()
    {
        SlurmRequeue.SbatchOption(null).ShouldBe("--no-requeue");
        SlurmRequeue.SbatchOption(new JobResources { Cpu = 1 }).ShouldBe("--no-requeue");
        SlurmRequeue.RunnerArgs(new SlurmSettings(MaxRequeues: 5), new JobResources()).ShouldBeEmpty();
    }

    [Fact]
    public void AnInterruptibleJob_GoesToThePreemptiblePartitionOrQos_OthersToTheTargets()
    {
        var byPartition = new SlurmSettings("gpu", "lab", "normal", PreemptiblePartition: "spot");
        var byQos = new SlurmSettings("gpu", "lab", "normal", PreemptibleQos: "scavenger");

        SbatchOptions.Of(SlurmRequeue.For(byPartition, Interruptible), Interruptible, []).ShouldBe(["--partition=spot", "--account=lab", "--qos=normal"]);
        SbatchOptions.Of(SlurmRequeue.For(byQos, Interruptible), Interruptible, []).ShouldBe(["--partition=gpu", "--account=lab", "--qos=scavenger"]);
        SbatchOptions.Of(SlurmRequeue.For(byPartition, null), null, []).ShouldBe(["--partition=gpu", "--account=lab", "--qos=normal"]);
    }

    [Fact]
    public void Interruptible_TakesEffectOnARequeueingCompute_SoNoNoteSaysOtherwise()
    {
        var job = new JobSpec { Commands = ["true"], Resources = Interruptible };
        Dstack.Core.Compute.ResourceNotes.For(job, requeueable: true).ShouldBeEmpty();
        Dstack.Core.Compute.ResourceNotes.NoEffectHere([job]).ShouldBe(Dstack.Core.Compute.ResourceNotes.Interruptible);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("", 1)]
    [InlineData("0", 1)]
    [InlineData("1", 2)]
    [InlineData("3", 4)]
    [InlineData("x", 1)]
    public void TheAttempt_IsSlurmsRestartCountPlusOne(string? restartCount, int attempt) => SlurmRequeue.Attempt(restartCount).ShouldBe(attempt);

    [Fact]
    public void PreemptiblePartitionAndQos_AreOneOrTheOther()
    {
        Should.Throw<ComputeConfigException>(() => SlurmSettings.Validated(new SlurmSettings(PreemptiblePartition: "p", PreemptibleQos: "q")))
            .Message.ShouldContain("not both");
        SlurmSettings.Validated(new SlurmSettings(PreemptibleQos: "q")).PreemptibleQos.ShouldBe("q");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("10")]
    [InlineData("three")]
    public void MaxRequeues_IsZeroToNine(string value) =>
        Should.Throw<ComputeConfigException>(() => SlurmSettings.ParseMaxRequeues(value)).Message.ShouldContain("0 to 9");
}
