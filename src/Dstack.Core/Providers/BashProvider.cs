using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Providers;

/// <summary>Runs shell commands: <c>before_run</c>, then <c>commands</c> (requirements go into the run's virtualenv first).</summary>
public sealed class BashProvider : IProvider
{
    public string Name => WorkflowProviders.Bash;

    public (WorkflowSpec Workflow, IReadOnlyList<string> Args) FromArgs(IReadOnlyList<string> args)
    {
        var rest = new List<string>();
        string? command = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "-c" or "--command" && i + 1 < args.Count) command = args[++i];
            else rest.Add(args[i]);
        }
        if (command is null)
            throw ProviderException.BashNeedsCommand();
        var workflow = new WorkflowSpec
        {
            Name = "bash", Provider = Name, Commands = [command],
            Location = new SourceLocation("(command line)", 1, 1),
        };
        return (workflow, rest);
    }

    public IReadOnlyList<JobSpec> BuildJobs(WorkflowSpec workflow, ProviderContext context) => NodeJobs(workflow, context);

    /// <summary>
    /// One job per node (one for a single-node workflow), each running the workflow's commands on the host or (with an
    /// image) in a container; <paramref name="main"/> replaces <c>commands</c> (torchrun's launch line).
    /// </summary>
    internal static IReadOnlyList<JobSpec> NodeJobs(WorkflowSpec workflow, ProviderContext context, string? main = null)
    {
        var spec = WorkflowTemplate.Render(workflow, context.RunName, context.Args);
        // requirements are installed by the runner into the run's virtualenv, before these.
        var commands = new List<string>();
        IEnumerable<string> written = main is null ? workflow.BeforeRun.Concat(workflow.Commands) : [.. workflow.BeforeRun, main];
        if (WorkflowTemplate.UsesArgs(written)) commands.Add(ShellArgs.Preamble(context.Args));
        commands.AddRange(spec.BeforeRun);
        if (main is null) commands.AddRange(spec.Commands);
        else commands.Add(WorkflowTemplate.RenderCommand(main, context.RunName, spec.PropertyLocations.GetValueOrDefault("args")));
        var job = new JobSpec
        {
            Nodes = spec.Nodes,
            Commands = commands,
            Env = ResolveEnv([.. PassedEnv.Names(context.CallerEnv), .. spec.Env], context.CallerEnv),
            WorkingDir = spec.WorkingDir ?? "",
            Artifacts = spec.Artifacts.Select(a => new ArtifactRef(a.Path, a.Mount)).ToList(),
            Ports = spec.Ports,
            Resources = ToResources(spec.Resources),
            Image = spec.Image,
            Python = spec.Python,
            Requirements = spec.Requirements,
        };
        return Enumerable.Range(0, spec.Nodes).Select(rank => job with { Index = rank }).ToList();
    }

    /// <summary>
    /// A bare <c>NAME</c> takes the caller's value now, as a literal (<c>$</c> in it is not a reference); one the caller
    /// lacks is set empty, as the original's <c>export NAME=</c> did.
    /// </summary>
    internal static IReadOnlyList<string> ResolveEnv(IReadOnlyList<string> env, IReadOnlyDictionary<string, string> caller) =>
        env.Select(e => e.Contains('=') ? e
            : EnvNames.Credentials.Contains(e) ? throw PassedEnv.CredentialsNotPassed(e)
            : $"{e}={caller.GetValueOrDefault(e, "").Replace("$", "$$")}").ToList();

    internal static JobResources? ToResources(ResourcesSpec? r) => r is null ? null : new JobResources
    {
        Cpu = r.Cpu,
        MemoryBytes = r.Memory is null ? null : MemorySize.Parse(r.Memory),
        GpuCount = r.Gpu?.Count ?? 0,
        GpuName = r.Gpu?.Name,
        GpuMemoryBytes = r.Gpu?.Memory is null ? null : MemorySize.Parse(r.Gpu.Memory),
        ShmSizeBytes = r.ShmSize is null ? null : MemorySize.Parse(r.ShmSize),
        Interruptible = r.Interruptible,
    };
}
