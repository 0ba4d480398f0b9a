using Dstack.Cli.Output;
using Dstack.Core.Diagnostics;
using Dstack.Core.Errors;
using Dstack.Core.Git;
using Dstack.Core.Models;
using Dstack.Core.Providers;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Workflows;

namespace Dstack.Cli.Verbs;

public static class RunVerb
{
    public static readonly Verb Verb = new("run", "Run a workflow (or a provider, e.g. dstack run bash -c 'CMD')", Run)
    {
        Usage =
        [
            "run [-d] [-t TAG] [OPTIONS] WORKFLOW [OPTIONS] [ARGS...] [-- ARGS...]",
            "run [-d] [OPTIONS] bash -c 'COMMAND' [ARGS...]",
            "run [-d] [OPTIONS] docker IMAGE [-c 'COMMAND'] [ARGS...]",
        ],
        About = "Runs a workflow of .dstack/workflows.yaml with the code as it is now (uncommitted edits included),\n" +
                "and follows its logs until it ends. ARGS are available to the workflow as ${{ run.args }}; the options\n" +
                "below are taken wherever they appear, so pass an argument that looks like one after '--'.\n" +
                "Without WORKFLOW, lists the workflows.",
        Groups = RunCommandLine.Groups,
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var options = RunCommandLine.Parse(args);
        var (name, runArgs) = (options.Name, options.Args);
        if (options.Help)
        {
            ctx.Out.Write(Verb.Help);
            return 0;
        }
        var root = ctx.Repo.Root;
        StageTrace.Mark("run: start");
        var workflows = WorkflowLoader.ReadAll(root);
        StageTrace.Mark("run: workflows loaded");
        if (name is null)
        {
            ctx.Out.Write(ListWorkflows(workflows));
            return 0;
        }
        var providers = CliContext.Providers();
        // Only the workflow being run must be valid; the others' problems are one line each.
        if (workflows.ProblemFor(name, providers.TryGet(name, out _)) is { } problem) throw problem;
        foreach (var other in workflows.Problems) ctx.Err.WriteLine(Ansi.Yellow(other.Warning));
        var (workflow, provider, workflowArgs) = Resolve(workflows, providers, name, runArgs);
        workflow = options.Overrides.ApplyTo(workflow);
        CheckRequirements(workflow, root);
        // The deps are resolved while the jobs are built, the repo captured and the run named: on a bucket a dep is a
        // listing and a round trip. The submit awaits them before it stores anything under the run's name.
        var resolving = new DepResolver(ctx.Storage).ResolveAsync(ctx.Repo.Repo, workflow.Deps, ct);
        var callerEnv = Core.Runner.JobEnvironment.Current();
        IReadOnlyList<JobSpec> Build(string runName) => provider.BuildJobs(workflow, new ProviderContext(runName, workflowArgs, callerEnv));
        // The repo is captured (several git calls) while the jobs are checked (which may ask docker or nvidia-smi).
        var capture = RepoCapture.CaptureAsync(ctx.Cwd, ct);
        // Template errors and requests the compute can never meet surface before anything is stored.
        var compute = ctx.ComputeNamed(options.Compute);
        var validated = Build("validating-run-0");
        foreach (var job in validated)
            if (await compute.CheckAsync(job, ct) is { } refusal)
                throw refusal.Property is { } property
                    ? new WorkflowException(workflow.PropertyLocations.GetValueOrDefault(property, workflow.Location), refusal.Sentence)
                    : RunException.Refused(refusal.Sentence);

        // A compute that can take interruptible jobs away and back (Slurm's requeue) honours `interruptible`.
        var requeueable = validated.Any(j => j.Resources?.Interruptible == true) && (await compute.GetCapabilitiesAsync(ct)).Preemptible;
        if (Core.Compute.ResourceNotes.NoEffectHere(validated, requeueable) is { } note) ctx.Err.WriteLine(Ansi.Grey($"Note: {note}."));
        StageTrace.Mark("run: jobs built");
        var repo = await capture;
        StageTrace.Mark("run: repo captured");
        if (!repo.IsGit) ctx.Err.WriteLine(Ansi.Grey($"Note: {repo.Root} is not a git repository; running the folder as it is."));
        var submitter = new RunSubmitter(ctx.Storage, compute, ctx.Time, ctx.Home.Root, new CodeFeedback(ctx.Err, ctx.Time));
        var run = await submitter.SubmitAsync(
            new SubmitRequest(repo, workflows.Find(name) is null ? null : name, provider.Name, workflowArgs, Build, resolving, options.Tag), ct);
        StageTrace.Mark("run: submitted");
        return await AttachOrDetachAsync(ctx, run, options.Detach, ct);
    }

    /// <summary>With <paramref name="detach"/>, prints the run name; otherwise follows the logs and returns the job's exit code.</summary>
    public static async Task<int> AttachOrDetachAsync(CliContext ctx, RunRecord run, bool detach, CancellationToken ct)
    {
        if (detach)
        {
            ctx.Out.WriteLine(run.RunName);
            return 0;
        }
        ctx.Err.WriteLine(Ansi.Grey($"{run.RunName} submitted. To interrupt, press Ctrl+C."));
        var view = await new RunAttachment(ctx, run).FollowAsync(ct);
        StageTrace.Mark("run: end seen");
        if (view is null) return 130;
        var state = view.State;
        if (state.Status != JobStatus.Done)
        {
            ctx.Err.WriteLine($"Run {run.RunName} {state.Status.ToWire()}{(state.ReasonText is { Length: > 0 } r ? $": {r}" : "")}");
            if (run.TagOnDone is { } tag)
                ctx.Err.WriteLine($"The tag '{tag}' was not applied: it goes on a run that ends done. Tag it anyway with: dstack tags add {tag} {run.RunName}");
        }
        return ExitCode(state);
    }

    /// <summary>The job's own exit code where there is one; 0 for done; 1 otherwise.</summary>
    public static int ExitCode(JobState state) => state.Status switch
    {
        JobStatus.Done => 0,
        _ when state.ExitCode is > 0 and < 256 => state.ExitCode.Value,
        _ => 1,
    };

    private static (WorkflowSpec, IProvider, IReadOnlyList<string>) Resolve(WorkflowSet workflows, ProviderRegistry providers, string name, List<string> args)
    {
        if (workflows.Find(name) is { } workflow)
            return (workflow, providers.Get(workflow.Provider, workflow.PropertyLocations.GetValueOrDefault("provider", workflow.Location)), args);
        if (providers.TryGet(name, out var provider))
        {
            var (adHoc, rest) = provider.FromArgs(args);
            return (adHoc, provider, rest);
        }
        var names = workflows.All.Select(w => w.Name).ToList();
        var close = NameSuggester.Closest(name, names.Concat(providers.Names));
        throw RunException.NoWorkflowOrProvider(name, close, names);
    }

    private static void CheckRequirements(WorkflowSpec workflow, string root)
    {
        if (workflow.Requirements is not { } requirements) return;
        var at = workflow.PropertyLocations.GetValueOrDefault("requirements", workflow.Location);
        var relative = Path.Combine(workflow.WorkingDir ?? "", requirements);
        if (Path.IsPathRooted(requirements) || StorePaths.Resolve(root, relative) is not { } path) throw WorkflowException.RequirementsOutsideRepo(at, requirements);
        if (!File.Exists(path)) throw WorkflowException.RequirementsNotFound(at, requirements, Path.GetRelativePath(root, Path.GetFullPath(relative, root)));
    }

    /// <summary>The workflows with their help; those that cannot run with their problem.</summary>
    private static string ListWorkflows(WorkflowSet workflows)
    {
        if (workflows.All.Count == 0 && workflows.Problems.Count == 0)
            return "No workflows in this repository. `dstack init` writes a starter .dstack/workflows.yaml.\n";
        var rows = workflows.All.Select(w => (w.Name, Text: w.Help ?? ""))
            .Concat(workflows.Problems.Where(p => p.WorkflowName is not null).Select(p => (Name: p.WorkflowName!, Text: $"(invalid) {p.Error.Message}")))
            .ToList();
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length);
        var files = workflows.Problems.Where(p => p.WorkflowName is null).ToList();
        return "Usage: dstack run WORKFLOW [ARGS...]\n\nWorkflows:\n" +
               string.Concat(rows.Select(r => $"  {r.Name.PadRight(width)}  {r.Text}".TrimEnd() + "\n")) +
               (files.Count == 0 ? "" : "\nFiles that cannot be read:\n" + string.Concat(files.Select(p => $"  {p.Error.Message}\n")));
    }
}
