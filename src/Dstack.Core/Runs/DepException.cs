using Dstack.Core.Errors;
using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>Every sentence a user can see about a dep that cannot be resolved, naming the dep and how to provide it.</summary>
public sealed class DepException(string message) : DstackException(message)
{
    public static DepException TagNotFound(string name, RepoRef repo, string tagName) =>
        new($"Dep tag '{name}' not found in {repo}. `dstack tags list` shows its tags; create one with `dstack tags add {tagName} RUN`.");

    public static DepException NoDoneRun(string name, RepoRef repo, bool inThisRepo, string workflow) =>
        new(inThisRepo
            ? $"Dep workflow '{name}' has no done run in {repo}. Run it first: dstack run {workflow}"
            : $"Dep workflow '{name}' has no done run in {repo}; it has to be run there first.");

    public static DepException Invalid(string name) => new($"Invalid dep '{name}': use NAME, or owner/repo/NAME for another repo.");
}
