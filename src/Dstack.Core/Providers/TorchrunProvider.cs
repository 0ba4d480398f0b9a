using System.Globalization;
using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Providers;

/// <summary>
/// Runs a PyTorch script with <c>torchrun</c> on every node of the run (docs/NODES.md): <c>before_run</c>, then one
/// torchrun agent per node that finds the others through the <c>MASTER_ADDR</c>/<c>MASTER_PORT</c> the runners agreed on.
/// </summary>
public sealed class TorchrunProvider : IProvider
{
    public string Name => WorkflowProviders.Torchrun;

    /// <summary>
    /// The job's virtualenv's Python when it has one (<c>python</c>/<c>requirements</c>), else the system's torchrun:
    /// a <c>python3</c> first on PATH (pyenv's) may lack torch.
    /// </summary>
    internal const string ChooseTorchrun =
        "if [ -n \"${VIRTUAL_ENV:-}\" ]; then dstack_torchrun=(python -m torch.distributed.run); " +
        "elif [ -x /usr/bin/torchrun ]; then dstack_torchrun=(/usr/bin/torchrun); " +
        "else dstack_torchrun=(python3 -m torch.distributed.run); fi";

    /// <summary><c>dstack run torchrun SCRIPT [ARGS...]</c>.</summary>
    public (WorkflowSpec Workflow, IReadOnlyList<string> Args) FromArgs(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-')) throw ProviderException.TorchrunNeedsScript();
        var workflow = new WorkflowSpec
        {
            Name = "torchrun", Provider = Name, Script = args[0], Location = new SourceLocation("(command line)", 1, 1),
        };
        return (workflow, args.Skip(1).ToList());
    }

    public IReadOnlyList<JobSpec> BuildJobs(WorkflowSpec workflow, ProviderContext context) =>
        BashProvider.NodeJobs(workflow, context, Launch(workflow));

    /// <summary>
    /// The launch line, before templates are rendered. Debian's torch 1.13 on Python 3.11 crashes with torchrun's default
    /// <c>--redirects 0 --tee 0</c> (pytorch#92319); <c>--monitor_interval 0.5</c> sees the workers' end seconds sooner.
    /// </summary>
    internal static string Launch(WorkflowSpec workflow)
    {
        var gpus = workflow.Resources?.Gpu?.Count ?? 0;
        var nproc = workflow.NprocPerNode ?? Math.Max(gpus, 1);
        var script = workflow.Script ?? throw new InvalidOperationException("a torchrun workflow has a script (the parser checks)");
        return ChooseTorchrun + "\n" +
            "\"${dstack_torchrun[@]}\" --nnodes \"$DSTACK_NODES_NUM\" --node_rank \"$DSTACK_NODE_RANK\" " +
            $"--nproc_per_node {nproc.ToString(CultureInfo.InvariantCulture)} --master_addr \"$MASTER_ADDR\" --master_port \"$MASTER_PORT\" " +
            $"--redirects 2 --tee 2 --monitor_interval 0.5 {ShellQuote.Quote(script)} {workflow.ScriptArgs ?? "${{ run.args }}"}";
    }
}
