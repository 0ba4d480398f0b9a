using Dstack.Core.Compute.Slurm;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Slurm;

public sealed class SbatchOptionsTests
{
    [Fact]
    public void TheTargetsSettings_AndAJobsResources_BecomeSlurmOptions()
    {
        var resources = new JobResources { Cpu = 4, MemoryBytes = (3L << 30) + 1, GpuCount = 2 };

        SbatchOptions.Of(new SlurmSettings("gpu", "lab", "high"), resources, [null])
            .ShouldBe(["--partition=gpu", "--account=lab", "--qos=high", "--cpus-per-task=4", "--mem=3073M", "--gres=gpu:2"]);
    }

    [Theory]
    [InlineData("a100", "--gres=gpu:a100:1")]
    [InlineData("A100", "--gres=gpu:a100:1")]
    [InlineData("v100", "--gres=gpu:tesla_v100:1")]
    public void AGpuName_IsTheClustersGresType_ExactFirst(string name, string expected) =>
        SbatchOptions.Of(new SlurmSettings(), new JobResources { GpuCount = 1, GpuName = name }, ["a100", "tesla_v100", null, "a100"]).ShouldBe([expected]);

    [Fact]
    public void NoResources_NoSettings_NoOptions() => SbatchOptions.Of(new SlurmSettings(), null, []).ShouldBeEmpty();
}
