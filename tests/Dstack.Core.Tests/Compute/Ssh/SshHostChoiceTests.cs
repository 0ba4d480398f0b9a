using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Ssh;

public sealed class SshHostChoiceTests
{
    private static HostFacts Host(string name, int cpus, int gpus = 0, bool? store = null, bool docker = false, string[]? pythons = null, HostLoad? load = null) =>
        new(name, "Linux", "x86_64", "", new ComputeCapacity(cpus, 8L << 30, Enumerable.Range(0, gpus).Select(i => new GpuInfo(i, "A100", 40L << 30)).ToList(), name),
            docker, pythons ?? [], store, load);

    private static RunnerTarget Job(JobResources? request, string? image = null, string? python = null) =>
        new("/home", new RepoRef("ada", "repo"), "run-1", 0, request, image, python);

    private static IReadOnlyList<string> Names(IEnumerable<HostFacts> hosts, JobResources? request, bool localStore = false) =>
        Names(hosts, Job(request), localStore);

    private static IReadOnlyList<string> Names(IEnumerable<HostFacts> hosts, RunnerTarget job, bool localStore = false) =>
        SshHostChoice.Candidates(hosts, h => h, job, localStore).Select(h => h.Hostname).ToList();

    private static HostLoad Running(int cpus, params int[] gpus) => new(cpus, 0, gpus, 0);

    [Fact]
    public void ARequestTheFirstHostCannotMeet_GoesToTheNextThatFits_InTheTargetsOrder()
    {
        HostFacts[] hosts = [Host("h1", 2), Host("h2", 8), Host("h3", 16, gpus: 2)];

        Names(hosts, (JobResources?)null).ShouldBe(["h1", "h2", "h3"]);
        Names(hosts, new JobResources { Cpu = 4 }).ShouldBe(["h2", "h3"]);
        Names(hosts, new JobResources { GpuCount = 1 }).ShouldBe(["h3"]);
        Names(hosts, new JobResources { Cpu = 32 }).ShouldBeEmpty();
    }

    [Fact]
    public void WithALocalFolderStore_OnlyHostsThatSeeTheFolder()
    {
        Names([Host("h1", 2, store: false), Host("h2", 2, store: true)], (JobResources?)null, localStore: true).ShouldBe(["h2"]);
    }

    [Fact]
    public void AHostWhoseRunnersHoldItsCpus_ComesAfterOneWhereTheJobFitsNow()
    {
        HostFacts[] hosts = [Host("h1", 2, load: Running(2)), Host("h2", 2)];

        Names(hosts, new JobResources { Cpu = 2 }).ShouldBe(["h2", "h1"]);
        Names(hosts, new JobResources { Cpu = 1 }).ShouldBe(["h2", "h1"], "h1 has no CPU free");
        Names([Host("h1", 4, load: Running(2)), Host("h2", 4)], new JobResources { Cpu = 2 }).ShouldBe(["h1", "h2"], "two of h1's four are free");
    }

    [Fact]
    public void AJobAskingForNothing_NeverQueues_SoTheTargetsOrderStands()
    {
        Names([Host("h1", 2, load: new HostLoad(2, 0, [], Waiting: 3)), Host("h2", 2)], new JobResources()).ShouldBe(["h1", "h2"]);
    }

    [Fact]
    public void TheGpusInUse_AreNotFree()
    {
        HostFacts[] hosts = [Host("h1", 8, gpus: 2, load: Running(1, 0, 1)), Host("h2", 8, gpus: 2, load: Running(1, 1))];

        Names(hosts, new JobResources { GpuCount = 1 }).ShouldBe(["h2", "h1"]);
        Names(hosts, new JobResources { GpuCount = 2 }).ShouldBe(["h1", "h2"], "neither has two free: the target's order, as neither has a queue");
    }

    [Fact]
    public void MemoryInUse_IsNotFree()
    {
        var busy = new HostLoad(0, 6L << 30, [], 0);
        Names([Host("h1", 8, load: busy), Host("h2", 8)], new JobResources { MemoryBytes = 4L << 30 }).ShouldBe(["h2", "h1"]);
    }

    [Fact]
    public void WhenNoneFitsNow_TheHostWithTheFewestWaitingComesFirst()
    {
        HostFacts[] hosts = [Host("h1", 2, load: new HostLoad(2, 0, [], Waiting: 2)), Host("h2", 2, load: new HostLoad(2, 0, [], Waiting: 1)),
            Host("h3", 2, load: new HostLoad(2, 0, [], Waiting: 1))];

        Names(hosts, new JobResources { Cpu = 1 }).ShouldBe(["h2", "h3", "h1"]);
    }

    [Fact]
    public void AHostWithJobsWaiting_DoesNotFitNow_EvenWithRoom()
    {
        // Its ledger starts jobs in submission order: a new one waits behind those.
        Names([Host("h1", 8, load: new HostLoad(0, 0, [], Waiting: 1)), Host("h2", 8)], new JobResources { Cpu = 1 }).ShouldBe(["h2", "h1"]);
    }

    [Fact]
    public void AnImage_GoesOnlyToHostsWithDocker_APython_OnlyToHostsThatHaveIt()
    {
        HostFacts[] hosts = [Host("h1", 2, pythons: ["3.10.12"]), Host("h2", 2, docker: true, pythons: ["3.12.1"])];

        Names(hosts, Job(null, image: "busybox")).ShouldBe(["h2"]);
        Names(hosts, Job(null, python: "3.10")).ShouldBe(["h1"]);
        Names(hosts, Job(null, python: "3.12")).ShouldBe(["h2"]);
        Names(hosts, Job(null, image: "python:3.10", python: "3.10")).ShouldBe(["h2"], "a container brings its own Python");
        Names(hosts, Job(null, python: "3.11")).ShouldBeEmpty();
    }

    private static SubmitRefusal? WhyNone(HostFacts[] hosts, JobSpec job)
    {
        var capabilities = new ComputeCapabilities(hosts.Select(h => h.Capacity).ToList(), hosts.Any(h => h.Docker),
            hosts.SelectMany(h => h.Pythons).Distinct().ToList(), new PortAccess("h1", PortRoute.Forwarded), MultiNode: false, Preemptible: false);
        return SshHostChoice.WhyNone(hosts.Select(h => (h.Hostname, h)).ToList(), capabilities, job, "lab", localStore: false);
    }

    private static JobSpec Spec(JobResources? request = null, string? image = null, string? python = null) =>
        new() { Commands = ["true"], Resources = request, Image = image, Python = python };

    [Fact]
    public void WhyNone_AnImageWhereNoHostHasDocker_IsRefusedNamingTheTarget()
    {
        WhyNone([Host("h1", 2), Host("h2", 2)], Spec(image: "busybox")).ShouldNotBeNull().Sentence
            .ShouldStartWith("No host of `lab` has Docker: this run needs it for its image (busybox).");
    }

    [Fact]
    public void WhyNone_AnImageWhereTheHostsDockerIsUnusable_SaysWhyForEachHost_NotToInstallDocker()
    {
        HostFacts[] hosts =
        [
            Host("h1", 2) with { DockerUnusable = SubmitRefusal.DockerNoAccess("runner") },
            Host("h2", 2) with { DockerUnusable = SubmitRefusal.DockerNoDaemon },
        ];

        WhyNone(hosts, Spec(image: "busybox")).ShouldNotBeNull().Sentence.ShouldBe(
            "No host of `lab` has all this run needs: h1: no usable Docker (for the image busybox): its user runner may not use "
            + "/var/run/docker.sock (add it to the group `docker` there, e.g. `usermod -aG docker runner`); h2: no usable Docker "
            + "(for the image busybox): the docker CLI is there but no daemon (no /var/run/docker.sock; start dockerd there). "
            + "Change what the workflow asks for, or add a host that has it all.");
    }

    [Fact]
    public void WhyNone_TooBigForEveryHost_NamesTheLargest()
    {
        WhyNone([Host("h1", 2), Host("h2", 8)], Spec(new JobResources { Cpu = 16 })).ShouldNotBeNull().Sentence
            .ShouldStartWith("This run needs 16 CPUs; the largest host of `lab` (h2) has 8.");
    }

    [Fact]
    public void WhyNone_EachHostHasSomeButNoneAll_SaysWhatEachLacks()
    {
        HostFacts[] hosts = [Host("h1", 8), Host("h2", 2, docker: true)];

        WhyNone(hosts, Spec(new JobResources { Cpu = 4 }, image: "busybox")).ShouldNotBeNull().Sentence.ShouldBe(
            "No host of `lab` has all this run needs: h1: no Docker (for the image busybox); h2: this run needs 4 CPUs; h2 has 2. "
            + "Change what the workflow asks for, or add a host that has it all.");
        WhyNone(hosts, Spec(new JobResources { Cpu = 2 }, image: "busybox")).ShouldBeNull();
        WhyNone(hosts, Spec(new JobResources { Cpu = 4 })).ShouldBeNull();
    }

    private static RunnerTarget Nodes(int nodes, JobResources? request) => new("/home", new RepoRef("ada", "repo"), "run-1", 0, request, Nodes: nodes);

    [Fact]
    public void Gang_PutsEachNodeOnAHostOfItsOwn_ThoseWhereItFitsNowFirst()
    {
        HostFacts[] hosts = [Host("h1", 4, load: Running(4)), Host("h2", 4), Host("h3", 2), Host("h4", 4)];

        SshHostChoice.Gang(hosts, h => h, Nodes(2, new JobResources { Cpu = 4 }), false).Select(h => h.Hostname).ShouldBe(["h2", "h4"]);
        SshHostChoice.Gang(hosts, h => h, Nodes(3, new JobResources { Cpu = 4 }), false).Select(h => h.Hostname)
            .ShouldBe(["h2", "h4", "h1"], "h1 holds it later, in its queue; h3 never could");
        SshHostChoice.Gang(hosts, h => h, Nodes(4, new JobResources { Cpu = 4 }), false).ShouldBeEmpty("three hosts fit 4 CPUs: all or none");
        SshHostChoice.Gang(hosts, h => h, Nodes(4, null), false).Select(h => h.Hostname).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void WhyNoGang_FewerHostsFitThanNodes_SaysHowManyFitAndWhatTheOthersLack()
    {
        (string, HostFacts)[] hosts = [("h1", Host("h1", 8)), ("h2", Host("h2", 4)), ("h3", Host("h3", 2))];
        JobSpec Gang(int nodes, JobResources? request) => new() { Commands = ["true"], Resources = request, Nodes = nodes };

        var refusal = SshHostChoice.WhyNoGang(hosts, Gang(3, new JobResources { Cpu = 4 }), "lab", localStore: false).ShouldNotBeNull();

        refusal.Property.ShouldBe("nodes");
        refusal.Sentence.ShouldBe("`lab` has 2 hosts that fit 4 CPUs; nodes: 3 needs 3, each on a host of its own (h3: this run needs 4 CPUs; h3 has 2). "
                                  + "Lower `nodes` or the per-node `resources`, or add hosts to the target.");
        SshHostChoice.WhyNoGang(hosts, Gang(4, null), "lab", false).ShouldNotBeNull().Sentence
            .ShouldStartWith("`lab` has 3 hosts that fit a node; nodes: 4 needs 4, each on a host of its own. ");
        SshHostChoice.WhyNoGang(hosts, Gang(2, new JobResources { Cpu = 4 }), "lab", false).ShouldBeNull();
        SshHostChoice.WhyNoGang(hosts, Gang(3, new JobResources { Cpu = 2 }), "lab", false).ShouldBeNull();
    }
}
