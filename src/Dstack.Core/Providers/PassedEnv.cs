using Dstack.Core.Errors;

namespace Dstack.Core.Providers;

/// <summary>
/// <c>DSTACK_PASS_ENV=NAME,NAME…</c> in the shell that runs <c>dstack run</c>: variables every job takes from that shell,
/// as if each workflow listed them bare in its <c>env</c> (a job gets nothing else of the caller's environment).
/// </summary>
public static class PassedEnv
{
    public const string Variable = "DSTACK_PASS_ENV";

    /// <summary>The bare <c>env</c> entries the caller's <see cref="Variable"/> names, in order.</summary>
    public static IReadOnlyList<string> Names(IReadOnlyDictionary<string, string> caller)
    {
        if (!caller.TryGetValue(Variable, out var list)) return [];
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
            if (!Workflows.EnvNames.Variable().IsMatch(name)) throw InvalidName(name);
        return names;
    }

    /// <summary>A bare credential name would copy the caller's value into the run's record, which everyone with the store reads.</summary>
    public static DstackException CredentialsNotPassed(string name) => new($"env: {Workflows.WorkflowException.CredentialsNotPassedProblem(name)}");

    private static DstackException InvalidName(string name) =>
        new($"{Variable}: '{(name.Length > 80 ? name[..80] + "…" : name)}' is not a variable name. List names separated by commas, e.g. {Variable}=PIP_INDEX_URL,WANDB_MODE.");
}
