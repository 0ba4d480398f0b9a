using Dstack.Core.Compute.Slurm;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>Slurm does not say a GPU's memory: the gres type's name does (a size in it, else the model's usual size).</summary>
public sealed class GresGpuMemoryTests
{
    [Theory]
    [InlineData("a100", 40)]
    [InlineData("A100", 40)]
    [InlineData("a100-80gb", 80)]
    [InlineData("a100_80g", 80)]
    [InlineData("tesla_v100", 16)]
    [InlineData("v100_32g", 32)]
    [InlineData("nvidia_h100", 80)]
    [InlineData("a10", 24)]
    [InlineData("l40s", 48)]
    [InlineData("amd_mi250x", 128)]
    [InlineData("mystery", 0)]
    [InlineData(null, 0)]
    public void ATypesMemory_ComesFromItsName(string? type, int gb) => GresGpuMemory.Of(type).ShouldBe(gb * (1L << 30));

    [Fact]
    public void ANodesCapacity_CarriesItsGpusMemory_SoGpuMemoryRequestsFit()
    {
        var node = SlurmNode.Parse("NodeName=g1 CPUTot=8 RealMemory=64000 Partitions=gpu State=IDLE Gres=gpu:a100_80g:2,gpu:t4:1")!;

        node.Capacity("c/g1").Gpus.Select(g => (g.Name, g.MemoryBytes >> 30)).ShouldBe([("a100_80g", 80L), ("a100_80g", 80L), ("t4", 16L)]);
    }

    [Theory]
    [InlineData(20, "--gres=gpu:a100:1")]
    [InlineData(50, "--gres=gpu:h100:1")]
    [InlineData(10, "--gres=gpu:t4:1")]
    public void GpuMemory_AsksForTheSmallestTypeThatHasIt(int gb, string expected) =>
        SbatchOptions.Of(new SlurmSettings(), new JobResources { GpuCount = 1, GpuMemoryBytes = gb * (1L << 30) }, ["h100", "a100", "t4", null])
            .ShouldBe([expected]);

    [Fact]
    public void GpuNameAndMemory_TogetherPickTheNamedTypeThatHasIt() =>
        SbatchOptions.Of(new SlurmSettings(), new JobResources { GpuCount = 1, GpuName = "a100", GpuMemoryBytes = 60L << 30 }, ["a100", "a100-80gb", "h100"])
            .ShouldBe(["--gres=gpu:a100-80gb:1"]);
}
