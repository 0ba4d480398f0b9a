using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute;

public sealed class SubmitCheckTests
{
    private static readonly PortAccess Loopback = new("127.0.0.1", PortRoute.Direct);

    private static ComputeCapabilities Lab(bool docker = false, params string[] pythons) => new(
        [
            new ComputeCapacity(8, 32L << 30, [], "cpu-1"),
            new ComputeCapacity(32, 128L << 30, [new GpuInfo(0, "NVIDIA GeForce RTX 4090", 24L << 30), new GpuInfo(1, "NVIDIA GeForce RTX 4090", 24L << 30)], "gpu-1"),
        ], docker, pythons, Loopback, MultiNode: false, Preemptible: false);

    private static JobSpec Job(JobResources? resources = null, string? image = null, string? python = null) =>
        new() { Commands = ["true"], Resources = resources, Image = image, Python = python };

    [Fact]
    public void GpuNoHostHas_NamesTheLargestHostOfTheCompute_AndWhatToChange()
    {
        SubmitCheck.WhyNot(Job(new JobResources { GpuCount = 1, GpuName = "V100" }), Lab(), "lab")!.Sentence.ShouldBe(
            "This run needs 1 GPU (V100); the largest host of `lab` (gpu-1) has NVIDIA GeForce RTX 4090 (24GiB), NVIDIA GeForce RTX 4090 (24GiB). " +
            "Lower the request in `resources`, or run it where that fits.");
    }

    [Fact]
    public void RequestThatFitsOneHostOnly_IsAccepted()
    {
        SubmitCheck.WhyNot(Job(new JobResources { Cpu = 16, GpuCount = 2, GpuName = "4090" }), Lab(), "lab").ShouldBeNull();
    }

    [Fact]
    public void Image_WithoutDocker_IsRefused_WithDocker_Accepted()
    {
        SubmitCheck.WhyNot(Job(image: "python:3.12"), Lab(docker: false), "lab")!.Sentence.ShouldStartWith("Docker is not installed: this run needs it for its image (python:3.12).");
        SubmitCheck.WhyNot(Job(image: "python:3.12"), Lab(docker: true), "lab").ShouldBeNull();
    }

    [Fact]
    public void Python_IsCheckedForHostJobsOnly_ByMinorOrExactVersion()
    {
        var caps = Lab(false, "3.10.12", "3.12.1");
        SubmitCheck.WhyNot(Job(python: "3.12"), caps, "lab").ShouldBeNull();
        SubmitCheck.WhyNot(Job(python: "3.12.1"), caps, "lab").ShouldBeNull();
        var refusal = SubmitCheck.WhyNot(Job(python: "3.11"), caps, "lab")!;
        refusal.ShouldBe(new SubmitRefusal("Python 3.11 is not installed on any host of `lab`; installed: 3.10, 3.12", "python"));
        SubmitCheck.WhyNot(Job(python: "3.11", image: "python:3.11"), caps with { Docker = true }, "lab").ShouldBeNull("the image brings its Python");
    }

    [Fact]
    public void OneHost_IsNamedByItsOwnDescription()
    {
        var machine = new ComputeCapabilities([new ComputeCapacity(2, 8L << 30, [], "this machine")], false, [], Loopback, false, false);
        SubmitCheck.WhyNot(Job(new JobResources { Cpu = 4 }), machine, "local")!.Sentence.ShouldStartWith("This run needs 4 CPUs; this machine has 2.");
        SubmitCheck.WhyNot(Job(python: "3.9"), machine, "local")!.Sentence.ShouldBe("Python 3.9 is not installed on this machine; installed: none");
    }

    [Fact]
    public void PortUrl_IsHereWhenDirect_AndOnTheJobsHostWhenForwarded()
    {
        Loopback.Url(8080).ShouldBe("http://127.0.0.1:8080");
        new PortAccess("10.0.0.7", PortRoute.Forwarded).Url(8080).ShouldBe("http://10.0.0.7:8080");
    }

    [Fact]
    public void JobAskingForNothing_FitsEvenAComputeWithNothing_SoNoCapabilitiesAreNeeded()
    {
        var nothing = new ComputeCapabilities([new ComputeCapacity(0, 0, [], "an empty host")], false, [], Loopback, false, false);
        var plain = new[] { Job(), Job(new JobResources()), Job(new JobResources { GpuName = "V100", ShmSizeBytes = 1 << 20, Interruptible = true }) };
        foreach (var job in plain)
        {
            SubmitCheck.AsksForAnything(job).ShouldBeFalse();
            SubmitCheck.WhyNot(job, nothing, "local").ShouldBeNull();
        }
        var asking = new[]
        {
            Job(new JobResources { Cpu = 1 }), Job(new JobResources { MemoryBytes = 1 }), Job(new JobResources { GpuCount = 1 }),
            Job(image: "busybox"), Job(python: "3.12"),
        };
        foreach (var job in asking)
        {
            SubmitCheck.AsksForAnything(job).ShouldBeTrue();
            SubmitCheck.WhyNot(job, nothing, "local").ShouldNotBeNull();
        }
    }
}
