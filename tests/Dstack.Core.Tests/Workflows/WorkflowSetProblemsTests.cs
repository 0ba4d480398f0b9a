using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

/// <summary>An invalid workflow, or an unreadable file, stops only a run of that workflow.</summary>
public class WorkflowSetProblemsTests
{
    private const string Main = ".dstack/workflows.yaml";

    [Fact]
    public void ParseAll_InvalidWorkflows_AreProblemsWithTheirNames_AndTheValidOnesLoad()
    {
        var set = WorkflowLoader.ParseAll([(Main, """
            workflows:
              - name: ddp
                provider: spark
              - name: train
                provider: bash
                commands: [python train.py]
              - name: odd
                provider: bash
                commands: [x]
                versoin: 2
            """)]);

        set.All.Select(w => w.Name).ShouldBe(["train"]);
        set.Problems.Select(p => p.WorkflowName).ShouldBe(["ddp", "odd"]);
        set.Problems[0].Error.Message.ShouldBe($"{Main}:3:15: unknown provider 'spark'; supported providers: bash, docker, torchrun, code, lab, notebook");
        set.Problems[1].Warning.ShouldStartWith($"Warning: workflow 'odd' cannot run: {Main}:10:5: unknown property 'versoin'");
    }

    [Fact]
    public void ParseAll_UnreadableFile_IsAProblemWithoutAName_AndOtherFilesLoad()
    {
        var set = WorkflowLoader.ParseAll([
            (Main, "workflows:\n  - name: a\n    provider: bash\n    commands: [x]\n"),
            (".dstack/workflows/broken.yaml", "workflows: [\n"),
        ]);

        set.All.ShouldHaveSingleItem().Name.ShouldBe("a");
        var problem = set.Problems.ShouldHaveSingleItem();
        problem.WorkflowName.ShouldBeNull();
        problem.Warning.ShouldStartWith("Warning: .dstack/workflows/broken.yaml:");
        problem.Warning.ShouldEndWith("(no workflow of this file can run)");
    }

    [Fact]
    public void ProblemFor_TheInvalidWorkflow_IsItsError_AndOtherNamesHaveNone()
    {
        var set = WorkflowLoader.ParseAll([(Main, "workflows:\n  - {name: ide, provider: spark}\n  - {name: ok, provider: bash, commands: [x]}\n")]);

        set.ProblemFor("ide", isProvider: false)!.Problem.ShouldStartWith("unknown provider 'spark'");
        set.ProblemFor("ok", isProvider: false).ShouldBeNull();
        set.ProblemFor("bash", isProvider: true).ShouldBeNull();
        set.ProblemFor("nope", isProvider: false).ShouldBeNull();
    }

    [Fact]
    public void ProblemFor_AWorkflowDefinedTwice_IsTheDuplicateError_ThoughTheFirstIsValid()
    {
        var set = WorkflowLoader.ParseAll([(Main, "workflows:\n  - {name: a, provider: bash, commands: [x]}\n  - {name: a, provider: bash, commands: [y]}\n")]);

        set.ProblemFor("a", isProvider: false)!.Problem.ShouldStartWith("workflow 'a' is already defined at");
    }

    [Fact]
    public void ProblemFor_ANameNoValidWorkflowHas_IsTheUnreadableFile_WhereTheWorkflowMayBe()
    {
        var set = WorkflowLoader.ParseAll([(Main, "workflows: [\n")]);

        set.ProblemFor("train", isProvider: false)!.Message.ShouldStartWith($"{Main}:");
        set.ProblemFor("bash", isProvider: true).ShouldBeNull();
    }

    [Fact]
    public void Parse_StillThrowsTheFirstProblem()
    {
        Should.Throw<WorkflowException>(() => WorkflowLoader.Parse(Main, "workflows:\n  - {name: ddp, provider: spark}\n"))
            .Problem.ShouldStartWith("unknown provider 'spark'");
    }

    [Fact]
    public void Parse_ResourcesLocal_IsAcceptedAsTheOriginalDid()
    {
        var spec = WorkflowLoader.Parse(Main, "workflows:\n  - name: a\n    provider: bash\n    commands: [x]\n    resources:\n      local: true\n").All.ShouldHaveSingleItem();

        spec.Resources!.Local.ShouldBeTrue();
    }
}
