using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

public class ProviderFlagsTests
{
    private static WorkflowOverrides Parse(params string[] args)
    {
        var overrides = new WorkflowOverrides();
        for (var i = 0; i < args.Length; i++)
            overrides = ProviderFlags.Add(overrides, args[i], ProviderFlags.TakesValue(args[i]) ? args[++i] : null);
        return overrides;
    }

    private static readonly WorkflowSpec Workflow = new()
    {
        Name = "train", Provider = "bash", Commands = ["python train.py"], Env = ["A=1"],
        Artifacts = [new ArtifactSpec("model", Mount: true)], Deps = [new DepSpec(DepKind.Tag, "data")],
        WorkingDir = "src", Ports = 1, Resources = new ResourcesSpec { Gpu = new GpuSpec(2), Memory = "8GB" },
        Location = new SourceLocation(".dstack/workflows.yaml", 2, 5),
    };

    [Fact]
    public void Apply_EnvAndDepsAreAdded_ArtifactsReplaced_OtherValuesReplaced()
    {
        var spec = Parse("-e", "B=2", "--env=C", "-a", "./out", "--artifact", "logs", "--dep", ":vocab", "-w", "app", "-p", "3",
                         "-r", "req.txt", "--cpu", "4", "--memory", "16GB", "--shm-size", "1GB", "-i", "-l").ApplyTo(Workflow);

        spec.Env.ShouldBe(["A=1", "B=2", "C"]);
        spec.Artifacts.ShouldBe([new ArtifactSpec("out"), new ArtifactSpec("logs")]);
        spec.Deps.ShouldBe([new DepSpec(DepKind.Tag, "data"), new DepSpec(DepKind.Tag, "vocab")]);
        spec.WorkingDir.ShouldBe("app");
        spec.Ports.ShouldBe(3);
        spec.Requirements.ShouldBe("req.txt");
        spec.Resources.ShouldBe(new ResourcesSpec { Cpu = 4, Memory = "16GB", Gpu = new GpuSpec(2), ShmSize = "1GB", Interruptible = true, Local = true });
        spec.PropertyLocations["requirements"].ShouldBe(WorkflowOverrides.CommandLine);
    }

    [Fact]
    public void Apply_NoFlags_LeavesTheWorkflowAsItIs()
    {
        var spec = Parse().ApplyTo(Workflow);

        spec.Env.ShouldBe(Workflow.Env);
        spec.Artifacts.ShouldBe(Workflow.Artifacts);
        spec.Resources.ShouldBe(Workflow.Resources);
        spec.WorkingDir.ShouldBe("src");
    }

    [Fact]
    public void Apply_GpuFlags_SetCountNameAndMemory_ANameAloneMeaningOneGpu()
    {
        var bare = new WorkflowSpec { Name = "b", Provider = "bash", Commands = ["x"], Location = WorkflowOverrides.CommandLine };

        Parse("--gpu-name", "A100").ApplyTo(bare).Resources!.Gpu.ShouldBe(new GpuSpec(1, "A100"));
        Parse("--gpu", "3", "--gpu-memory", "40GB").ApplyTo(Workflow).Resources!.Gpu.ShouldBe(new GpuSpec(3, null, "40GB"));
        Parse("--gpu-name", "V100").ApplyTo(Workflow).Resources!.Gpu.ShouldBe(new GpuSpec(2, "V100"));
    }

    [Theory]
    [InlineData("-e", "1BAD=x", "Invalid value '1BAD=x' for option '-e': '1BAD' is not a variable name")]
    [InlineData("-a", "../up", "Invalid value '../up' for option '-a': it goes outside the working directory with '..'")]
    [InlineData("-a", "/", "Invalid value '/' for option '-a': name a folder")]
    [InlineData("-w", "/abs", "Invalid value '/abs' for option '-w': use a path relative to the repository root")]
    [InlineData("--working-dir", "a/../..", "Invalid value 'a/../..' for option '--working-dir': it goes outside the repository with '..'")]
    [InlineData("--cpu", "0", "Invalid value '0' for option '--cpu': use an integer of at least 1")]
    [InlineData("-p", "x", "Invalid value 'x' for option '-p': use an integer between 0 and 100")]
    [InlineData("--memory", "16XB", "Invalid value '16XB' for option '--memory': unknown memory unit 'XB'")]
    [InlineData("--dep", ":", "Invalid value ':' for option '--dep': use :TAG or WORKFLOW")]
    public void Add_AnInvalidValue_IsOneSentenceNamingTheOptionAndTheFix(string flag, string value, string message) =>
        Should.Throw<ProviderFlagException>(() => Parse(flag, value)).Message.ShouldStartWith(message);

    [Fact]
    public void IsFlag_KnowsTheOriginalsFlags_AndNotOthers()
    {
        new[] { "-e", "--env", "-a", "--artifact", "--dep", "-p", "--ports", "--port", "--cpu", "--memory", "--gpu", "--gpu-name",
                "--gpu-memory", "--shm-size", "-i", "--interruptible", "-r", "--requirements", "-w", "--working-dir", "-l", "--local", "--cpu=2" }
            .ShouldAllBe(flag => ProviderFlags.IsFlag(flag));
        new[] { "-c", "--epochs", "-x", "--command", "-d", "-t" }.ShouldAllBe(flag => !ProviderFlags.IsFlag(flag));
        ProviderFlags.TakesValue("--cpu=2").ShouldBeFalse();
        ProviderFlags.TakesValue("-i").ShouldBeFalse();
    }
}
