using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

/// <summary><c>nodes: N</c> on any workflow and the <c>torchrun</c> provider's properties: parsed, or refused at file:line.</summary>
public sealed class WorkflowNodesTests
{
    private const string File = ".dstack/workflows.yaml";

    private static WorkflowSpec Load(string body) =>
        WorkflowLoader.Parse(File, $"workflows:\n  - name: train\n{body}").Find("train")!;

    private static string Fails(string body) =>
        Should.Throw<WorkflowException>(() => Load(body)).Message;

    [Fact]
    public void Nodes_OnABashWorkflow_IsParsed_AndDefaultsToOne()
    {
        Load("    provider: bash\n    nodes: 3\n    commands: [hostname]\n").Nodes.ShouldBe(3);
        Load("    provider: bash\n    commands: [hostname]\n").Nodes.ShouldBe(1);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("two", "'two'")]
    [InlineData("-1", "-1")]
    [InlineData("1.5", "1.5")]
    public void Nodes_NotAPositiveInteger_FailsAtItsLine(string value, string got) =>
        Fails($"    provider: bash\n    commands: [hostname]\n    nodes: {value}\n")
            .ShouldBe($"{File}:5:12: property 'nodes' must be an integer between 1 and 256, got {got}");

    [Fact]
    public void Torchrun_WithScriptArgsAndNproc_IsParsed()
    {
        var spec = Load("    provider: torchrun\n    nodes: 2\n    script: train.py\n    args: --epochs 3 ${{ run.args }}\n    nproc_per_node: 2\n");

        spec.Provider.ShouldBe("torchrun");
        spec.Script.ShouldBe("train.py");
        spec.ScriptArgs.ShouldBe("--epochs 3 ${{ run.args }}");
        spec.NprocPerNode.ShouldBe(2);
        spec.Nodes.ShouldBe(2);
    }

    [Fact]
    public void Torchrun_ArgsAsAList_AreJoinedAsShellWords() =>
        Load("    provider: torchrun\n    script: train.py\n    args: [--lr, '0.1']\n").ScriptArgs.ShouldBe("--lr 0.1");

    [Fact]
    public void Torchrun_WithoutScript_FailsAtTheWorkflow() =>
        Fails("    provider: torchrun\n    nodes: 2\n")
            .ShouldBe($"{File}:2:5: workflow 'train' is missing required property 'script' (provider 'torchrun' runs it on every node)");

    [Fact]
    public void Torchrun_NprocAboveTheRequestedGpus_FailsAtNproc() =>
        Fails("    provider: torchrun\n    script: train.py\n    resources:\n      gpu: 2\n    nproc_per_node: 4\n")
            .ShouldBe($"{File}:7:5: nproc_per_node 4 is more than the 2 GPU(s) each node gets (resources.gpu); use at most 2, or ask for more GPUs");

    [Fact]
    public void Torchrun_NprocWithoutGpus_IsAllowed() =>
        Load("    provider: torchrun\n    script: train.py\n    nproc_per_node: 4\n").NprocPerNode.ShouldBe(4);

    [Fact]
    public void Torchrun_WithCommands_SaysToUseBeforeRun() =>
        Fails("    provider: torchrun\n    script: train.py\n    commands: [echo]\n")
            .ShouldBe($"{File}:5:5: property 'commands' is not used by provider 'torchrun' (it runs 'script'; put set-up commands in 'before_run')");

    [Fact]
    public void Script_OnABashWorkflow_IsRefused() =>
        Fails("    provider: bash\n    commands: [echo]\n    script: train.py\n")
            .ShouldBe($"{File}:5:5: property 'script' is not used by provider 'bash' (only provider 'torchrun' reads it)");
}
