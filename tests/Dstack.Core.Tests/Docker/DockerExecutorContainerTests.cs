using Dstack.Core.Docker;
using Dstack.Core.Models;
using Dstack.Core.Runner;

namespace Dstack.Core.Tests.Docker;

/// <summary>The container is the Docker executor's: built from the launch, never by the runner.</summary>
public sealed class DockerExecutorContainerTests
{
    private static JobLaunch Launch(JobSpec spec) => new("/work/acme.widgets.r-1.0.sh", "/work/acme.widgets.r-1.0/src", new Dictionary<string, string>())
    {
        Spec = spec, Key = "acme.widgets.r-1.0", Repo = new RepoRef("acme", "widgets"), RunName = "r-1", Root = "/work/acme.widgets.r-1.0",
        OutputFolders = ["/work/acme.widgets.r-1.0/model", "/data/out"], Gpus = [2, 3], Ports = [8080],
    };

    [Fact]
    public void ContainerOf_MountsTheWorkingCopyTheScriptAndOutsideFolders_AndLabelsTheJob()
    {
        var container = DockerExecutor.ContainerOf(Launch(new JobSpec { Commands = ["train"], Image = "python:3.12", WorkingDir = "src" }));

        container.Image.ShouldBe("python:3.12");
        container.Name.ShouldBe("dstack-acme.widgets.r-1.0");
        container.Mounts.ShouldBe([("/work/acme.widgets.r-1.0", "/workflow"), ("/work/acme.widgets.r-1.0.sh", "/dstack/job.sh"), ("/data/out", "/data/out")]);
        container.WorkingDir.ShouldBe("/workflow/src");
        container.Labels[DockerCli.JobLabel].ShouldBe("acme.widgets.r-1.0");
        container.Labels["dstack.repo"].ShouldBe("acme/widgets");
        container.Ports.ShouldBe([8080]);
        container.Gpus.ShouldBeNull("GPUs go to a container that asks for them");
    }

    [Fact]
    public void ContainerOf_AJobAskingForGpus_GetsTheGrantedOnes_AndNoCommandsMeansTheImagesOwn()
    {
        var container = DockerExecutor.ContainerOf(Launch(new JobSpec { Commands = [], Image = "cuda:12", Resources = new JobResources { GpuCount = 2 } }));

        container.Gpus.ShouldBe([2, 3]);
        container.Script.ShouldBeNull();
    }

    [Fact]
    public void ContainerOf_ALaunchWithACpuSet_IsPinnedToIt()
    {
        var container = DockerExecutor.ContainerOf(Launch(new JobSpec { Commands = ["nproc"], Image = "busybox" }) with { CpuSet = "1,3" });

        container.CpuSet.ShouldBe("1,3");
        DockerExecutor.RunArgs(container, null).ShouldContain("--cpuset-cpus");
        DockerExecutor.RunArgs(container, null)[DockerExecutor.RunArgs(container, null).IndexOf("--cpuset-cpus") + 1].ShouldBe("1,3");
        DockerExecutor.RunArgs(DockerExecutor.ContainerOf(Launch(new JobSpec { Commands = ["nproc"], Image = "busybox" })), null).ShouldNotContain("--cpuset-cpus");
    }

    [Fact]
    public void ContainerOf_AMultiNodeJob_IsOnTheHostsNetwork_SoTheAgreedAddressesAreItsOwn()
    {
        var node = DockerExecutor.ContainerOf(Launch(new JobSpec { Commands = ["nc"], Image = "busybox", Nodes = 2, Index = 1 }));
        var single = DockerExecutor.ContainerOf(Launch(new JobSpec { Commands = ["nc"], Image = "busybox" }));

        node.HostNetwork.ShouldBeTrue();
        var args = DockerExecutor.RunArgs(node, null);
        args[args.IndexOf("--network") + 1].ShouldBe("host");
        args.ShouldNotContain("-p", "on the host's network a port needs no publishing (Docker would ignore it)");
        single.HostNetwork.ShouldBeFalse();
        DockerExecutor.RunArgs(single, null).ShouldNotContain("--network");
        DockerExecutor.RunArgs(single, null).ShouldContain("127.0.0.1:8080:8080");
    }
}
