using System.Text.RegularExpressions;

namespace Dstack.Core.Workflows;

/// <summary>
/// Substitutes <c>${{ run.name }}</c> and <c>${{ run.args }}</c> in workflow strings. Only <c>${{ … }}</c> is
/// special: shell syntax such as <c>${#x}</c>, <c>${HOME}</c>, <c>$(cmd)</c>, <c>{%</c> or <c>{#</c> passes through untouched
/// (the original's Jinja engine choked on those).
/// </summary>
public static partial class WorkflowTemplate
{
    private const string Args = "run.args";

    /// <summary>A string that is not a command: <c>run.args</c> becomes the arguments' command-line text (each shell-quoted).</summary>
    public static string Render(string text, string runName, IReadOnlyList<string> args) =>
        Render(text, runName, at: null, _ => ShellQuote.Join(args));

    /// <summary>
    /// A command of the job's script: <c>run.args</c> becomes a reference to the arguments that <see cref="ShellArgs.Preamble"/>
    /// sets, chosen for the quoting at its place, so that no argument can end a quote or start a command.
    /// </summary>
    public static string RenderCommand(string command, string runName, SourceLocation? at = null)
    {
        var argsUses = Expression().Matches(command).Where(m => m.Groups[1].Value == Args).ToList();
        var contexts = ShellQuoting.ContextsOf(command, argsUses.Select(m => (m.Index, m.Index + m.Length)).ToList());
        var byStart = argsUses.Select((m, k) => (m.Index, contexts[k])).ToDictionary();
        return Render(command, runName, at, match => ShellArgs.Reference(byStart[match.Index]));
    }

    /// <summary>Whether any of the commands uses <c>run.args</c> (its script then starts with <see cref="ShellArgs.Preamble"/>).</summary>
    public static bool UsesArgs(IEnumerable<string> commands) =>
        commands.Any(c => Expression().Matches(c).Any(m => m.Groups[1].Value == Args));

    /// <summary>A copy of the spec with commands, before_run, env, working_dir and artifact paths rendered.</summary>
    public static WorkflowSpec Render(WorkflowSpec spec, string runName, IReadOnlyList<string> args)
    {
        SourceLocation? At(params string[] properties) =>
            properties.Select(spec.PropertyLocations.GetValueOrDefault).FirstOrDefault(at => at is not null);
        string Text(string text, string property) => Render(text, runName, At(property), _ => ShellQuote.Join(args));
        // env values expand $NAME references: an argument's '$' stays a literal one.
        string EnvValue(string text) => Render(text, runName, At("env"), _ => ShellQuote.Join(args).Replace("$", "$$"));

        return spec with
        {
            Commands = spec.Commands.Select(c => RenderCommand(c, runName, At("commands"))).ToList(),
            BeforeRun = spec.BeforeRun.Select(c => RenderCommand(c, runName, At("before_run", "setup"))).ToList(),
            Env = spec.Env.Select(EnvValue).ToList(),
            WorkingDir = spec.WorkingDir is null ? null : Text(spec.WorkingDir, "working_dir"),
            Artifacts = spec.Artifacts.Select(a => a with { Path = Text(a.Path, "artifacts") }).ToList(),
        };
    }

    private static string Render(string text, string runName, SourceLocation? at, Func<Match, string> args) =>
        Expression().Replace(text, match => match.Groups[1].Value switch
        {
            "run.name" => runName,
            Args => args(match),
            var unknown => throw WorkflowException.UnknownExpression(at, unknown),
        });

    [GeneratedRegex(@"\$\{\{\s*(.*?)\s*\}\}")]
    private static partial Regex Expression();
}
