using System.Text;
using System.Text.RegularExpressions;
using Dstack.Core.Models;

namespace Dstack.Core.Runner;

/// <summary>
/// Builds a job's environment. Precedence, lowest first: the runner's own (system) environment and the
/// variables dstack sets, then the workflow's <c>env</c> (whose values may reference variables), then secrets.
/// </summary>
public static partial class JobEnvironment
{
    public static Dictionary<string, string> Build(
        IReadOnlyDictionary<string, string> system, RunRecord run, JobSpec job, IReadOnlyList<int> ports,
        IReadOnlyDictionary<string, string> secrets)
    {
        var env = new Dictionary<string, string>(system, StringComparer.Ordinal)
        {
            ["PYTHONUNBUFFERED"] = "1",
            ["RUN_NAME"] = run.RunName,
            ["JOB_ID"] = $"{run.RunName}-{job.Index}",
            ["REPO_OWNER"] = run.Repo.Owner,
            ["REPO_NAME"] = run.Repo.Name,
            ["REPO_BRANCH"] = run.Code.Branch ?? "",
            ["REPO_COMMIT"] = run.Code.Commit ?? "",
            ["HOSTNAME"] = "127.0.0.1",
        };
        for (var i = 0; i < ports.Count; i++) env[$"PORT_{i}"] = ports[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var entry in job.Env)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) continue;
            env[entry[..eq]] = Expand(entry[(eq + 1)..], env);
        }
        foreach (var (name, value) in secrets) env[name] = value;
        return env;
    }

    /// <summary>This process's environment as a dictionary: the caller's at submit, the system layer in the runner.</summary>
    public static Dictionary<string, string> Current()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            env[(string)e.Key] = (string?)e.Value ?? "";
        return env;
    }

    /// <summary>Replaces <c>$NAME</c> and <c>${NAME}</c> with their values (empty when unset); <c>$$</c> is a literal <c>$</c>.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> env) =>
        Reference().Replace(value, m =>
        {
            if (m.Value == "$$") return "$";
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            return env.TryGetValue(name, out var v) ? v : "";
        });

    [GeneratedRegex(@"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Reference();

    /// <summary>The bash script for a job: stderr merged into stdout, stop at the first failing command.</summary>
    public static string Script(IEnumerable<string> commands)
    {
        var sb = new StringBuilder("exec 2>&1\nset -e\n");
        foreach (var command in commands) sb.Append(command).Append('\n');
        return sb.ToString();
    }
}
