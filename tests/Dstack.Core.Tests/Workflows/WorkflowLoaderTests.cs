using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

public class WorkflowLoaderTests
{
    private static WorkflowSpec LoadOne(string workflowYaml) =>
        WorkflowLoader.Parse(".dstack/workflows.yaml", "workflows:\n" + workflowYaml).All.ShouldHaveSingleItem();

    [Fact]
    public void Load_FullWorkflow_ReadsEveryProperty()
    {
        var spec = LoadOne("""
              - name: train
                provider: bash
                help: Trains the model
                deps:
                  - tag: some_tag
                  - workflow: prepare
                    mount: true
                python: 3.10
                requirements: requirements.txt
                env:
                  - PYTHONPATH=src
                  - HOME_DIR
                before_run:
                  - pip install -e .
                commands:
                  - python train.py
                working_dir: ./src
                artifacts:
                  - path: ./checkpoint
                    mount: true
                  - logs
                ports: 2
                image: ubuntu:22.04
                resources:
                  cpu: 4
                  memory: 16GB
                  gpu: 2
                  shm_size: 1GiB
                  interruptible: true
            """);

        spec.Name.ShouldBe("train");
        spec.Provider.ShouldBe("bash");
        spec.Help.ShouldBe("Trains the model");
        spec.Deps.ShouldBe([new DepSpec(DepKind.Tag, "some_tag"), new DepSpec(DepKind.Workflow, "prepare", Mount: true)]);
        spec.Python.ShouldBe("3.10");
        spec.Requirements.ShouldBe("requirements.txt");
        spec.Env.ShouldBe(["PYTHONPATH=src", "HOME_DIR"]);
        spec.BeforeRun.ShouldBe(["pip install -e ."]);
        spec.Commands.ShouldBe(["python train.py"]);
        spec.WorkingDir.ShouldBe("./src");
        spec.Artifacts.ShouldBe([new ArtifactSpec("checkpoint", Mount: true), new ArtifactSpec("logs")]);
        spec.Ports.ShouldBe(2);
        spec.Image.ShouldBe("ubuntu:22.04");
        spec.Resources.ShouldBe(new ResourcesSpec
        {
            Cpu = 4, Memory = "16GB", Gpu = new GpuSpec(2), ShmSize = "1GiB", Interruptible = true,
        });
    }

    [Fact]
    public void Load_Workflow_RecordsNameAndPropertyLocations()
    {
        var spec = LoadOne("  - provider: bash\n    name: train\n    commands: [echo]\n");

        spec.Location.ShouldBe(new SourceLocation(".dstack/workflows.yaml", 3, 5));
        spec.PropertyLocations["provider"].ShouldBe(new SourceLocation(".dstack/workflows.yaml", 2, 5));
        spec.PropertyLocations["commands"].ToString().ShouldBe(".dstack/workflows.yaml:4:5");
    }

    [Theory]
    [InlineData("3.10", "3.10")]
    [InlineData("'3.9'", "3.9")]
    [InlineData("3", "3")]
    [InlineData("3.11.4", "3.11.4")]
    public void Load_Python_KeepsTheVersionAsWritten(string yaml, string expected) =>
        LoadOne($"  - {{name: a, provider: bash, commands: [x], python: {yaml}}}\n").Python.ShouldBe(expected);

    [Fact]
    public void Load_MultiLineCommands_SplitsLinesAndDropsBlankOnes()
    {
        var spec = LoadOne("  - name: a\n    provider: bash\n    commands: |\n      echo one\n\n      echo two\n    setup: pip install x\n");

        spec.Commands.ShouldBe(["echo one", "echo two"]);
        spec.BeforeRun.ShouldBe(["pip install x"]);
    }

    [Fact]
    public void Load_EnvMapping_IsNormalisedToTheListForm()
    {
        var spec = LoadOne("  - name: a\n    provider: bash\n    commands: [x]\n    env:\n      PORT: 8080\n      TOKEN:\n      PATH_X: a=b\n");

        spec.Env.ShouldBe(["PORT=8080", "TOKEN", "PATH_X=a=b"]);
    }

    [Fact]
    public void Load_StringDeps_ColonMeansTagAndPlainMeansWorkflow()
    {
        var spec = LoadOne("  - {name: a, provider: bash, commands: [x], deps: [':data', prepare, 'me/other/prepare', ':me/other/v1.0']}\n");

        spec.Deps.ShouldBe([
            new DepSpec(DepKind.Tag, "data"),
            new DepSpec(DepKind.Workflow, "prepare"),
            new DepSpec(DepKind.Workflow, "me/other/prepare"),
            new DepSpec(DepKind.Tag, "me/other/v1.0"),
        ]);
    }

    [Fact]
    public void Load_GpuMapping_WithoutCountMeansOneGpu()
    {
        var spec = LoadOne("  - {name: a, provider: bash, commands: [x], resources: {gpu: {name: A100, memory: 40GB}}}\n");

        spec.Resources!.Gpu.ShouldBe(new GpuSpec(1, "A100", "40GB"));
    }

    [Fact]
    public void Load_GpuMapping_WithCountKeepsIt() =>
        LoadOne("  - {name: a, provider: bash, commands: [x], resources: {gpu: {count: 4}}}\n")
            .Resources!.Gpu.ShouldBe(new GpuSpec(4));

    [Fact]
    public void Load_AbsoluteArtifactPath_IsAllowed() =>
        LoadOne("  - {name: a, provider: bash, commands: [x], artifacts: [/data/out]}\n")
            .Artifacts.ShouldBe([new ArtifactSpec("/data/out")]);

    [Fact]
    public void Load_DockerWorkflow_NeedsOnlyAnImage()
    {
        var spec = LoadOne("  - {name: serve, provider: docker, image: nginx}\n");

        spec.Image.ShouldBe("nginx");
        spec.Commands.ShouldBeEmpty();
    }

    [Fact]
    public void Load_EmptyWorkflowsList_GivesAnEmptySet() =>
        WorkflowLoader.Parse(".dstack/workflows.yaml", "workflows: []\n").All.ShouldBeEmpty();

    [Fact]
    public void Load_NameDefinedInTwoFiles_PointsAtTheFirstDefinition()
    {
        var error = Should.Throw<WorkflowException>(() => WorkflowLoader.Parse([
            (".dstack/workflows.yaml", "workflows:\n  - name: train\n    provider: bash\n    commands: [a]\n"),
            (".dstack/workflows/more.yaml", "workflows:\n- name: train\n  provider: docker\n  image: x\n"),
        ]));

        error.Message.ShouldBe(".dstack/workflows/more.yaml:2:3: workflow 'train' is already defined at .dstack/workflows.yaml:2:5");
        error.Location.ShouldBe(new SourceLocation(".dstack/workflows/more.yaml", 2, 3));
    }

    [Theory]
    [InlineData("image: 5", "property 'image' must be a string, got 5")]
    [InlineData("help: true", "property 'help' must be a string, got true")]
    [InlineData("ports: 1.5", "property 'ports' must be an integer between 0 and 100, got 1.5")]
    [InlineData("resources: {interruptible: 'true'}", "property 'resources.interruptible' must be true or false, got the quoted string 'true'")]
    public void Load_ScalarOfTheWrongYamlType_IsATypeError(string property, string problem) =>
        Should.Throw<WorkflowException>(() => LoadOne($"  - name: a\n    provider: docker\n    {property}\n"))
            .Problem.ShouldBe(problem);

    [Fact]
    public void Find_KnownAndUnknownNames_ReturnsTheWorkflowOrNull()
    {
        var set = WorkflowLoader.Parse(".dstack/workflows.yaml", "workflows:\n  - {name: a, provider: bash, commands: [x]}\n  - {name: b, provider: docker, image: y}\n");

        set.Find("b")!.Provider.ShouldBe("docker");
        set.Find("c").ShouldBeNull();
        set.Find("A").ShouldBeNull();
    }
}
