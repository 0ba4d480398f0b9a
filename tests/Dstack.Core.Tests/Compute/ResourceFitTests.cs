using Dstack.Core.Compute;
using Dstack.Core.Local;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute;

public sealed class ResourceFitTests
{
    private static readonly ComputeCapacity NoGpus = new(2, 8L << 30, [], "this machine");
    private static readonly ComputeCapacity TwoA100 = new(16, 64L << 30, [new GpuInfo(0, "NVIDIA A100-SXM4-40GB", 40L << 30), new GpuInfo(1, "NVIDIA A100-SXM4-40GB", 40L << 30)], "this machine");

    [Fact]
    public void WhyNever_GpuOnAMachineWithout_NamesWhatItHas()
    {
        ResourceFit.WhyNever(new JobResources { GpuCount = 1, GpuName = "V100" }, NoGpus)
            .ShouldBe("this run needs 1 GPU (V100); this machine has none");
    }

    [Fact]
    public void WhyNever_TooManyCpusOrTooMuchMemory_SaysSo()
    {
        ResourceFit.WhyNever(new JobResources { Cpu = 4 }, NoGpus).ShouldBe("this run needs 4 CPUs; this machine has 2");
        ResourceFit.WhyNever(new JobResources { MemoryBytes = 16L << 30 }, NoGpus).ShouldBe("this run needs 16GiB of memory; this machine has 8GiB");
    }

    [Fact]
    public void WhyNever_GpuNameAndMemoryThatFit_IsNull()
    {
        ResourceFit.WhyNever(new JobResources { GpuCount = 2, GpuName = "a100", GpuMemoryBytes = 32L << 30 }, TwoA100).ShouldBeNull();
        ResourceFit.WhyNever(new JobResources { GpuCount = 1, GpuMemoryBytes = 80L << 30 }, TwoA100).ShouldNotBeNull();
    }

    [Fact]
    public void ParseNvidiaSmi_ReadsIndexNameAndMemory()
    {
        LocalCapacity.Parse("0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559\n")
            .ShouldBe([new GpuInfo(0, "NVIDIA H100 80GB HBM3", 81559L << 20), new GpuInfo(1, "NVIDIA H100 80GB HBM3", 81559L << 20)]);
    }

    [Fact]
    public void FindPython_PicksTheNewestPatchOfAMinorVersion()
    {
        LocalPython.Interpreter[] all = [new("3.9.1", "/a"), new("3.9.18", "/b"), new("3.11.7", "/c")];
        LocalPython.Find("3.9", all)!.Path.ShouldBe("/b");
        LocalPython.Find("3.11.7", all)!.Path.ShouldBe("/c");
        LocalPython.Find("3.1", all).ShouldBeNull();
        LocalPython.Describe(all).ShouldBe("3.9, 3.11");
    }
}
