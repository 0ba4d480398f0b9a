using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Providers;

/// <summary>
/// Turns a workflow (and the run's arguments) into job specs. Pure: no I/O, no clock, no environment
/// reads beyond what <see cref="ProviderContext"/> carries.
/// </summary>
public interface IProvider
{
    string Name { get; }

    /// <summary>
    /// A workflow for <c>dstack run PROVIDER ARGS</c> with no workflow file, e.g. <c>dstack run bash -c 'CMD'</c>;
    /// returns it and the arguments left for <c>${{ run.args }}</c>.
    /// </summary>
    (WorkflowSpec Workflow, IReadOnlyList<string> Args) FromArgs(IReadOnlyList<string> args);

    IReadOnlyList<JobSpec> BuildJobs(WorkflowSpec workflow, ProviderContext context);
}

/// <param name="CallerEnv">The submitting shell's environment, for <c>env</c> entries that name a variable without a value.</param>
public sealed record ProviderContext(string RunName, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> CallerEnv);
