using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Errors;

namespace Dstack.Core.Tests.Config;

public sealed class DstackConfigComputeTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("config-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static ComputeTarget Lab => new("lab", SshHostAddress.ParseList("h1,ubuntu@h2:2222"))
    {
        SshConfig = "/tmp/ssh-hosts/ssh_config", Identity = "/keys/id_ed25519", StoreEndpoint = "http://10.210.0.1:7480",
    };

    [Fact]
    public void SaveThenLoad_KeepsTargetsDefaultAndStoreSettings()
    {
        var config = new DstackConfig { Backend = "s3", Bucket = "team", EndpointUrl = "http://127.0.0.1:7480" }
            .WithTarget(Lab).WithTarget(new ComputeTarget("gpu", [new SshHostAddress("box")])).WithDefaultCompute("lab");
        config.Save(_home);

        var loaded = DstackConfig.Load(_home);
        loaded.Bucket.ShouldBe("team");
        loaded.DefaultCompute.ShouldBe("lab");
        loaded.TargetNames.ShouldBe(["local", "lab", "gpu"]);
        var lab = loaded.FindTarget("lab")!;
        lab.Hosts.Select(h => h.ToString()).ShouldBe(["h1", "ubuntu@h2:2222"]);
        (lab.SshConfig, lab.Identity, lab.StoreEndpoint).ShouldBe(("/tmp/ssh-hosts/ssh_config", "/keys/id_ed25519", "http://10.210.0.1:7480"));
        loaded.FindTarget("gpu")!.SshConfig.ShouldBeNull();
    }

    [Fact]
    public void ASlurmTarget_SavesAndLoads_WithItsSettings_AndWithoutHosts()
    {
        new DstackConfig()
            .WithTarget(ComputeTarget.SlurmCluster("cluster", new SlurmSettings(Partition: "gpu", Account: "lab", Qos: "normal")))
            .WithTarget(ComputeTarget.SlurmCluster("remote", new SlurmSettings(Login: "me@login1")))
            .Save(_home);

        File.ReadAllText(Path.Combine(_home, "config.yaml")).ShouldEndWith("""
            compute:
              cluster:
                slurm: local
                partition: gpu
                account: lab
                qos: normal
              remote:
                slurm: me@login1

            """.Replace("\r", ""));
        var loaded = DstackConfig.Load(_home);
        var cluster = loaded.FindTarget("cluster")!;
        (cluster.Kind, cluster.Hosts.Count, cluster.Slurm).ShouldBe(("slurm", 0, new SlurmSettings("gpu", "lab", "normal", null)));
        loaded.FindTarget("remote")!.Slurm.ShouldBe(new SlurmSettings(Login: "me@login1"));
        Lab.Kind.ShouldBe("ssh");
    }

    [Fact]
    public void ASlurmLoginHostsSshSettings_SaveAndLoad()
    {
        new DstackConfig().WithTarget(ComputeTarget.SlurmCluster("remote", new SlurmSettings(Login: "h2"))
            with { SshConfig = "/tmp/ssh-hosts/ssh_config", Identity = "/keys/id_ed25519" }).Save(_home);

        var remote = DstackConfig.Load(_home).FindTarget("remote")!;

        (remote.Slurm!.Login, remote.SshConfig, remote.Identity).ShouldBe(("h2", "/tmp/ssh-hosts/ssh_config", "/keys/id_ed25519"));
    }

    [Fact]
    public void ASlurmTargetsRequeueSettings_SaveAndLoad()
    {
        var settings = new SlurmSettings(Partition: "gpu", PreemptibleQos: "scavenger", MaxRequeues: 5);
        new DstackConfig().WithTarget(ComputeTarget.SlurmCluster("cluster", settings)).Save(_home);

        File.ReadAllText(Path.Combine(_home, "config.yaml")).ShouldEndWith("""
                partition: gpu
                preemptible_qos: scavenger
                max_requeues: 5

            """.Replace("\r", ""));
        DstackConfig.Load(_home).FindTarget("cluster")!.Slurm.ShouldBe(settings);
    }

    [Fact]
    public void ASlurmTargetsSlurmConf_SavesAndLoads()
    {
        var settings = new SlurmSettings(SlurmConf: "/etc/slurm-b/slurm.conf");
        new DstackConfig().WithTarget(ComputeTarget.SlurmCluster("b", settings)).Save(_home);

        File.ReadAllText(Path.Combine(_home, "config.yaml")).ShouldEndWith("    slurm: local\n    slurm_conf: /etc/slurm-b/slurm.conf\n");
        DstackConfig.Load(_home).FindTarget("b")!.Slurm.ShouldBe(settings);
    }

    [Theory]
    [InlineData("    max_requeues: many\n", "Invalid --max-requeues 'many'")]
    [InlineData("    slurm_conf: slurm.conf\n", "Invalid --slurm-conf 'slurm.conf': give the absolute path")]
    [InlineData("    preemptible_partition: spot\n    preemptible_qos: low\n", "not both")]
    public void ASlurmTargetsBadRequeueSettings_AreRefusedWithTheFileAndLine(string lines, string problem)
    {
        File.WriteAllText(Path.Combine(_home, "config.yaml"), "compute:\n  cluster:\n    slurm: local\n" + lines);

        var e = Should.Throw<ComputeConfigException>(() => DstackConfig.Load(_home));
        e.Message.ShouldContain("config.yaml:2:");
        e.Message.ShouldContain(problem);
    }

    [Fact]
    public void TheFile_ReadsAsNestedYaml()
    {
        new DstackConfig().WithTarget(Lab).Save(_home);
        File.ReadAllText(Path.Combine(_home, "config.yaml")).ShouldEndWith("""
            backend: local
            compute:
              lab:
                ssh: h1, ubuntu@h2:2222
                ssh_config: /tmp/ssh-hosts/ssh_config
                identity: /keys/id_ed25519
                store_endpoint: http://10.210.0.1:7480

            """.Replace("\r", ""));
    }

    [Fact]
    public void AFileWithoutCompute_HasOnlyLocal_AsTheDefault()
    {
        File.WriteAllText(Path.Combine(_home, "config.yaml"), "backend: local\n");
        var config = DstackConfig.Load(_home);
        config.TargetNames.ShouldBe(["local"]);
        config.DefaultCompute.ShouldBe("local");
    }

    [Fact]
    public void Local_CannotBeAddedOrRemoved_AndNamesAreChecked()
    {
        Should.Throw<ComputeConfigException>(() => new DstackConfig().WithTarget(Lab with { Name = "local" })).Message.ShouldContain("built in");
        Should.Throw<ComputeConfigException>(() => new DstackConfig().WithoutTarget("local"));
        Should.Throw<ComputeConfigException>(() => new DstackConfig().WithTarget(Lab).WithTarget(Lab)).Message.ShouldContain("already exists");
        Should.Throw<ComputeConfigException>(() => ComputeTarget.ValidateName("Lab 1")).Message.ShouldContain("lowercase");
        Should.Throw<ComputeConfigException>(() => new DstackConfig().WithDefaultCompute("nope")).Message.ShouldContain("Targets: local");
    }

    [Fact]
    public void RemovingTheDefault_SendsRunsToLocalAgain()
    {
        var config = new DstackConfig().WithTarget(Lab).WithDefaultCompute("lab").WithoutTarget("lab");
        config.DefaultCompute.ShouldBe("local");
        config.ComputeTargets.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("compute:\n  lab:\n    ssh: h1,h1\n", 2, "listed twice")]
    [InlineData("compute:\n  lab:\n    ssh_config: /x\n", 2, "--ssh HOST")]
    [InlineData("compute:\n  lab: h1\n", 2, "settings on the lines below")]
    [InlineData("bucket: x\n  lab:\n", 2, "outside the 'compute:' block")]
    [InlineData("compute:\n    lab:\n      ssh: h1\n  gpu:\n", 4, "indentation")]
    public void ABrokenComputeBlock_NamesFileAndLine(string text, int line, string problem)
    {
        File.WriteAllText(Path.Combine(_home, "config.yaml"), text);
        var e = Should.Throw<DstackException>(() => DstackConfig.Load(_home));
        e.Message.ShouldStartWith($"{Path.Combine(_home, "config.yaml")}:{line}: ");
        e.Message.ShouldContain(problem);
    }

    [Fact]
    public void ADefaultThatIsNoTarget_IsRefused_WithTheFix()
    {
        File.WriteAllText(Path.Combine(_home, "config.yaml"), "default_compute: lab\n");
        Should.Throw<DstackException>(() => DstackConfig.Load(_home)).Message.ShouldContain("dstack config compute default local");
    }
}
