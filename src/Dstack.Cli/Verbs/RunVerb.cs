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
    public static readonly Verb Verb = new("run", "Run a workflow (or a provider, e.g. dstack run bash -c 'CMD')",
        "Usage: dstack run [-d] [-t TAG] [OPTIONS] WORKFLOW [OPTIONS] [ARGS...] [-- ARGS...]\n" +
        "       dstack run [-d] [OPTIONS] bash -c 'COMMAND' [ARGS...]\n" +
        "       dstack run [-d] [OPTIONS] docker IMAGE [-c 'COMMAND'] [ARGS...]\n\n" +
        "Runs a workflow of .dstack/workflows.yaml with the code as it is now (uncommitted edits included),\n" +
        "and follows its logs until it ends. ARGS are available to the workflow as ${{ run.args }}; the options\n" +
        "below are taken wherever they appear, so pass an argument that looks like one after '--'.\n" +
        "Without WORKFLOW, lists the workflows.\n\nOptions:\n" +
        "  -d, --detach             Do not follow the logs; print the run's name and return\n" +
        "  -t, --tag TAG            Tag the run's artifacts as TAG when it ends done\n" +
        "  -h, --help               Show this help (also after WORKFLOW)\n\n" +
        "Provider options (they change the workflow's values for this run):\n" +
        "  -e, --env NAME=VALUE     Add an environment variable (a bare NAME takes your value); repeatable\n" +
        "  -a, --artifact PATH      Save PATH as an artifact, instead of the workflow's artifacts; repeatable\n" +
        "  --dep DEP                Add a dependency: :TAG or WORKFLOW (also owner/repo/NAME); repeatable\n" +
        "  -w, --working-dir DIR    Run in DIR, relative to the repository root\n" +
        "  -r, --requirements FILE  pip install -r FILE before the commands\n" +
        "  -p, --ports N            Give the job N free ports ($PORT_0 ...)\n" +
        "  --cpu N                  CPUs\n" +
        "  --memory SIZE            Memory, e.g. 16GB\n" +
        "  --gpu N                  GPUs\n" +
        "  --gpu-name NAME          GPU model, e.g. A100 (one GPU unless --gpu says more)\n" +
        "  --gpu-memory SIZE        Memory per GPU, e.g. 40GB\n" +
        "  --shm-size SIZE          Shared memory (/dev/shm) of a container\n" +
        "  -i, --interruptible      Spot instance (no effect on this machine)\n" +
        "  -l, --local              Run on this machine (every run does)\n",
        Run);

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var (options, name, runArgs) = Parse(args);
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
        var callerEnv = Core.Runner.JobEnvironment.Current();
        IReadOnlyList<JobSpec> Build(string runName) => provider.BuildJobs(workflow, new ProviderContext(runName, workflowArgs, callerEnv));
        // The repo is captured (several git calls) while the jobs are checked (which may ask docker or nvidia-smi).
        var capture = RepoCapture.CaptureAsync(ctx.Cwd, ct);
        // Template errors and requests this machine can never meet surface before anything is stored.
        var compute = ctx.Compute;
        var capacity = await compute.GetCapacityAsync(ct);
        var validated = Build("validating-run-0");
        foreach (var job in validated)
        {
            if (Core.Compute.ResourceFit.WhyNever(job.Resources, capacity) is { } never)
                throw new DstackException($"{Capitalized(never)}. Lower the request in `resources`, or run it where that fits.");
            if (job.Image is { } image)
            {
                await Core.Runner.DockerCli.EnsureImageAsync(image, ct);
            }
            else if (job.Python is { } python && Core.Compute.LocalPython.FindAll() is var pythons && Core.Compute.LocalPython.Find(python, pythons) is null)
                throw new WorkflowException(workflow.PropertyLocations.GetValueOrDefault("python", workflow.Location),
                    $"Python {python} is not installed on this machine; installed: {Core.Compute.LocalPython.Describe(pythons)}");
        }

        if (Core.Compute.ResourceNotes.NoEffectHere(validated) is { } note) ctx.Err.WriteLine(Ansi.Grey($"Note: {note}."));
        StageTrace.Mark("run: jobs built");
        var repo = await capture;
        StageTrace.Mark("run: repo captured");
        var deps = await new DepResolver(ctx.Storage).ResolveAsync(repo.Repo, workflow.Deps, ct);
        if (!repo.IsGit) ctx.Err.WriteLine(Ansi.Grey($"Note: {repo.Root} is not a git repository; running the folder as it is."));
        var submitter = new RunSubmitter(ctx.Storage, compute, ctx.Time, ctx.Home.Root, new CodeFeedback(ctx.Err, ctx.Time));
        var run = await submitter.SubmitAsync(
            new SubmitRequest(repo, workflows.Find(name) is null ? null : name, provider.Name, workflowArgs, Build, deps, options.Tag), ct);
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

    private sealed record RunOptions(bool Detach, string? Tag, bool Help, WorkflowOverrides Overrides);

    /// <summary>
    /// Run and provider options anywhere before <c>--</c> (as the original's parser took them after the workflow too);
    /// the first other word names the workflow or provider; the rest are its args.
    /// </summary>
    private static (RunOptions, string? Name, List<string> Args) Parse(IReadOnlyList<string> args)
    {
        var detach = false;
        var help = false;
        string? tag = null;
        var overrides = new WorkflowOverrides();
        string? name = null;
        var rest = new List<string>();
        var passthrough = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new DstackException($"Option '{arg}' needs a value. See: dstack run --help");
            if (passthrough) rest.Add(arg);
            else if (arg == "--") passthrough = true;
            else if (arg is "-d" or "--detach") detach = true;
            else if (arg is "-h" or "--help") help = true;
            else if (arg is "-t" or "--tag") tag = Core.Tags.TagName.Validate(Value());
            else if (ProviderFlags.IsFlag(arg)) overrides = ProviderFlags.Add(overrides, arg, ProviderFlags.TakesValue(arg) ? Value() : null);
            else if (name is null && arg.StartsWith('-'))
                throw new DstackException($"Unknown option '{arg}' for 'dstack run'. See: dstack run --help");
            else if (name is null) name = arg;
            else rest.Add(arg);
        }
        return (new RunOptions(detach, tag, help, overrides), name, rest);
    }

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
        var known = names.Count == 0 ? "This repo defines no workflows (.dstack/workflows.yaml); `dstack init` writes a starter."
                                     : $"Workflows: {string.Join(", ", names)}.";
        throw new DstackException($"No workflow or provider '{name}'{(close is null ? "" : $" (did you mean '{close}'?)")}. {known}");
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

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
