using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

public sealed class HostProbeTests
{
    [Fact]
    public void Parse_ReadsCapacityGpusPythonsAndPlatform()
    {
        var facts = HostProbe.Parse("""
            hostname=gpu1
            os=Linux
            arch=x86_64
            cpus=32
            mem_kib=263856320
            distro=Ubuntu 22.04.4 LTS
            docker=yes
            gpu=0, NVIDIA A100-SXM4-80GB, 81920
            gpu=1, NVIDIA A100-SXM4-80GB, 81920
            python=3.10.12
            python=3.9.18
            python=3.10.12
            python=3.12.1
            """, "ubuntu@gpu1");
        facts.Hostname.ShouldBe("gpu1");
        facts.Capacity.Cpus.ShouldBe(32);
        facts.Capacity.MemoryBytes.ShouldBe(263856320L * 1024);
        facts.Capacity.Gpus.ShouldBe([new GpuInfo(0, "NVIDIA A100-SXM4-80GB", 81920L << 20), new GpuInfo(1, "NVIDIA A100-SXM4-80GB", 81920L << 20)]);
        facts.Docker.ShouldBeTrue();
        facts.Pythons.ShouldBe(["3.9.18", "3.10.12", "3.12.1"]);
        (facts.Arch, facts.Os, facts.Distro).ShouldBe(("x86_64", "Linux", "Ubuntu 22.04.4 LTS"));
        facts.StoreVisible.ShouldBeNull();
    }

    [Fact]
    public void Parse_AMinimalHost_HasNoGpuNoDockerNoPython()
    {
        var facts = HostProbe.Parse("hostname=tiny\ncpus=1\nmem_kib=\ndocker=no\npython=\nstore=absent\n", "tiny");
        facts.Capacity.Gpus.ShouldBeEmpty();
        facts.Capacity.MemoryBytes.ShouldBe(0);
        facts.Docker.ShouldBeFalse();
        facts.Pythons.ShouldBeEmpty();
        facts.StoreVisible.ShouldBe(false);
    }

    [Theory]
    [InlineData("docker=no", null)]
    [InlineData("docker=no-daemon", SubmitRefusal.DockerNoDaemon)]
    [InlineData("docker=no-access runner", "its user runner may not use /var/run/docker.sock (add it to the group `docker` there, e.g. `usermod -aG docker runner`)")]
    public void Parse_ADockerThatCannotRunContainers_IsNoDocker_SayingWhy(string line, string? why)
    {
        var facts = HostProbe.Parse($"hostname=h1\ncpus=1\n{line}\n", "h1");
        facts.Docker.ShouldBeFalse();
        facts.DockerUnusable.ShouldBe(why);
    }

    [Fact]
    public void Script_WithAMarker_ComparesItsTokenQuoted()
    {
        var script = HostProbe.Script("/home/ada's/.dstack/.dstack-probe-1", "abc123");
        script.ShouldContain("cat '/home/ada'\\''s/.dstack/.dstack-probe-1'");
        script.ShouldContain("echo store=visible");
        HostProbe.Script(null, null).ShouldNotContain("store=");
    }

    /// <summary>The script runs under a plain POSIX sh (dash), as the probe runs it on a host.</summary>
    [Fact]
    public async Task Script_RunUnderSh_ReportsThisMachine_AndSeesAMarkerHere()
    {
        var dir = Directory.CreateTempSubdirectory("probe-");
        try
        {
            var marker = Path.Combine(dir.FullName, "m");
            await File.WriteAllTextAsync(marker, "tok", CancellationToken.None);
            var result = await Dstack.Core.Git.ProcessRunner.RunAsync("sh", dir.FullName, CancellationToken.None, "-c", HostProbe.Script(marker, "tok"));
            result.ExitCode.ShouldBe(0, result.StdErr);
            var facts = HostProbe.Parse(result.StdOut, "here");
            facts.Capacity.Cpus.ShouldBe(Environment.ProcessorCount);
            facts.Capacity.MemoryBytes.ShouldBeGreaterThan(0);
            facts.Arch.ShouldBe(BinaryShipper.LocalArch());
            facts.StoreVisible.ShouldBe(true);
            HostProbe.Parse((await Dstack.Core.Git.ProcessRunner.RunAsync("sh", dir.FullName, CancellationToken.None, "-c", HostProbe.Script(marker, "other"))).StdOut, "here")
                .StoreVisible.ShouldBe(false);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Parse_CountsTheLedgersLiveRunners_OnlyThoseTheHostSaysAreAlive()
    {
        var ledger = """[{"key":"a","submitted_at":"2026-01-01T00:00:00+00:00","cpu":2,"memory":1024,"gpus":1,"pid":101,"start_ticks":7,"running":true,"assigned":[1]},"""
            + """{"key":"b","submitted_at":"2026-01-01T00:00:01+00:00","cpu":1,"memory":0,"gpus":0,"pid":102,"start_ticks":8,"running":false,"assigned":[]},"""
            + """{"key":"c","submitted_at":"2026-01-01T00:00:02+00:00","cpu":4,"memory":0,"gpus":0,"pid":103,"start_ticks":9,"running":true,"assigned":[]},"""
            + """{"key":"d","submitted_at":"2026-01-01T00:00:03+00:00","cpu":1,"memory":0,"gpus":0,"pid":104,"start_ticks":5,"running":false,"assigned":[]}]""";

        // 103 is gone; 104 is a reused pid (another start time).
        var facts = HostProbe.Parse($"cpus=8\nledger={ledger}\nalive=101 7\nalive=102 8\nalive=104 6\n", "h1");

        facts.Load.ShouldBe(new HostLoad(2, 1024, [1], 1), new HostLoadComparer());
    }

    [Fact]
    public void Parse_NoLedger_OrOneItCannotRead_IsIdle()
    {
        HostProbe.Parse("cpus=8\n", "h1").Load.ShouldBe(HostLoad.Idle);
        HostProbe.Parse("cpus=8\nledger={not json\n", "h1").Load.ShouldBe(HostLoad.Idle);
        HostProbe.Parse("cpus=8\nledger={}\n", "h1").Load.ShouldBe(HostLoad.Idle);
    }

    /// <summary>A real ledger, written by <see cref="Dstack.Core.Local.LocalScheduler"/> for this process, read back by the script under sh.</summary>
    [Fact]
    public async Task Script_RunUnderSh_ReadsTheRunnersLedger_AndKnowsItsRunnerAlive()
    {
        var dir = Directory.CreateTempSubdirectory("probe-ledger-");
        try
        {
            var scheduler = new Dstack.Core.Local.LocalScheduler(dir.FullName, new ComputeCapacity(8, 8L << 30, [], "here"), TimeProvider.System);
            scheduler.Enqueue("waiting-job", DateTimeOffset.UtcNow, new Dstack.Core.Models.JobResources { Cpu = 3 });
            var script = $"DSTACK_SCHEDULER_DIR={Dstack.Core.Workflows.ShellQuote.Quote(dir.FullName)}; export DSTACK_SCHEDULER_DIR\n" + HostProbe.Script(null, null);

            var result = await Dstack.Core.Git.ProcessRunner.RunAsync("sh", dir.FullName, CancellationToken.None, "-c", script);

            result.ExitCode.ShouldBe(0, result.StdErr);
            HostProbe.Parse(result.StdOut, "here").Load.ShouldNotBeNull().Waiting.ShouldBe(1, result.StdOut);
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>Without DSTACK_SCHEDULER_DIR, the script looks where this machine's runners keep their ledger.</summary>
    [Fact]
    public async Task LedgerPath_IsTheSchedulersDefaultFolder()
    {
        var result = await Dstack.Core.Git.ProcessRunner.RunAsync("sh", Path.GetTempPath(), CancellationToken.None, "-c",
            $"unset DSTACK_SCHEDULER_DIR; echo {HostProbe.LedgerPath}");

        Path.GetFullPath(result.StdOut.Trim()).ShouldBe(Path.Combine(Path.GetFullPath(Dstack.Core.Local.LocalScheduler.DefaultFolder()), "ledger.json"));
    }

    private sealed class HostLoadComparer : IEqualityComparer<HostLoad?>
    {
        public bool Equals(HostLoad? a, HostLoad? b) =>
            a is not null && b is not null && (a.Cpus, a.MemoryBytes, a.Waiting) == (b.Cpus, b.MemoryBytes, b.Waiting) && a.Gpus.SequenceEqual(b.Gpus);
        public int GetHashCode(HostLoad? l) => 0;
    }

    /// <summary>A Python start is most of a probe's time: one interpreter reached by several names is asked once, without <c>site</c>.</summary>
    [Fact]
    public async Task Script_AsksEachInterpreterOnce_HoweverManyNamesOnPathLeadToIt_WithoutSite()
    {
        var dir = Directory.CreateTempSubdirectory("probe-");
        try
        {
            var (bin, alias, counter) = (Path.Combine(dir.FullName, "bin"), Path.Combine(dir.FullName, "alias"), Path.Combine(dir.FullName, "asked"));
            Directory.CreateDirectory(bin);
            var python = Path.Combine(bin, "python3.77");
            await File.WriteAllTextAsync(python, $"#!/bin/sh\necho \"$1\" >> '{counter}'\necho 3.77.1\n", CancellationToken.None);
            File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.CreateSymbolicLink(Path.Combine(bin, "python3"), python);
            Directory.CreateSymbolicLink(alias, bin);  // as /bin is /usr/bin on a merged /usr

            var result = await Dstack.Core.Git.ProcessRunner.RunAsync("sh", dir.FullName, CancellationToken.None, "-c",
                $"PATH='{bin}:{alias}':$PATH\n" + HostProbe.Script(null, null));

            result.ExitCode.ShouldBe(0, result.StdErr);
            HostProbe.Parse(result.StdOut, "here").Pythons.ShouldContain("3.77.1");
            File.ReadAllLines(counter).ShouldBe(["-S"], "four names (python3, python3.77, in bin and in its alias), one interpreter, asked without site");
        }
        finally { dir.Delete(recursive: true); }
    }
}
