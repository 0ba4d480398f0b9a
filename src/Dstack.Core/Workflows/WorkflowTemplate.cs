using System.Text.RegularExpressions;

namespace Dstack.Core.Workflows;

/// <summary>
/// Substitutes <c>${{ run.name }}</c> and <c>${{ run.args }}</c> in workflow strings. Only <c>${{ … }}</c> is
/// special: shell syntax such as <c>${#x}</c>, <c>${HOME}</c>, <c>$(cmd)</c>, <c>{%</c> or <c>{#</c> passes through untouched
/// (the original's Jinja engine choked on those).
/// </summary>
public static partial class WorkflowTemplate
{
    /// <summary>The text with every expression replaced; <c>run.args</c> are shell-quoted so the shell sees the original tokens.</summary>
    public static string Render(string text, string runName, IReadOnlyList<string> args) =>
        Render(text, runName, ShellQuote.Join(args), at: null);

    /// <summary>A copy of the spec with commands, before_run, env, working_dir and artifact paths rendered.</summary>
    public static WorkflowSpec Render(WorkflowSpec spec, string runName, IReadOnlyList<string> args)
    {
        var joined = ShellQuote.Join(args);
        string R(string text, params string[] properties) =>
            Render(text, runName, joined, properties.Select(spec.PropertyLocations.GetValueOrDefault).FirstOrDefault(at => at is not null));

        return spec with
        {
            Commands = spec.Commands.Select(c => R(c, "commands")).ToList(),
            BeforeRun = spec.BeforeRun.Select(c => R(c, "before_run", "setup")).ToList(),
            Env = spec.Env.Select(e => R(e, "env")).ToList(),
            WorkingDir = spec.WorkingDir is null ? null : R(spec.WorkingDir, "working_dir"),
            Artifacts = spec.Artifacts.Select(a => a with { Path = R(a.Path, "artifacts") }).ToList(),
        };
    }

    private static string Render(string text, string runName, string joinedArgs, SourceLocation? at) =>
        Expression().Replace(text, match => match.Groups[1].Value switch
        {
            "run.name" => runName,
            "run.args" => joinedArgs,
            var unknown => throw WorkflowException.UnknownExpression(at, unknown),
        });

    [GeneratedRegex(@"\$\{\{\s*(.*?)\s*\}\}")]
    private static partial Regex Expression();
}
