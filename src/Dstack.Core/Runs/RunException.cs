using Dstack.Core.Errors;
using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>Every sentence a user can see about naming, finding or submitting a run.</summary>
public sealed class RunException(string message) : DstackException(message)
{
    public static RunException InvalidName(string shownName) =>
        new($"Invalid run name '{shownName}': run names are letters, digits, '-', '_' and '.' (e.g. wet-fox-1). `dstack ps -a` lists the runs of this repo.");

    public static RunException NotFound(string name, RepoRef repo) =>
        new($"Run '{name}' not found in {repo}. `dstack ps -a` lists the runs of this repo.");

    /// <summary>A runner whose run's record never came: the submitting CLI is gone without storing it.</summary>
    public static RunException NeverStored(string name, RepoRef repo) =>
        new($"Run '{name}' was never stored in {repo}; nothing to run.");

    public static RunException NotFinished(string name) =>
        new($"The run '{name}' is not finished yet. Stop it first: dstack stop {name}");

    /// <summary>A compute's pre-submit refusal; its sentence is built by <see cref="Compute.SubmitRefusal"/>.</summary>
    public static RunException Refused(string sentence) => new(sentence);

    public static RunException NoWorkflowOrProvider(string name, string? close, IReadOnlyList<string> workflows)
    {
        var known = workflows.Count == 0 ? "This repo defines no workflows (.dstack/workflows.yaml); `dstack init` writes a starter."
                                         : $"Workflows: {string.Join(", ", workflows)}.";
        return new($"No workflow or provider '{name}'{(close is null ? "" : $" (did you mean '{close}'?)")}. {known}");
    }

    public static RunException ExecutableUnknown() => new("Cannot tell where the dstack executable is.");
}
