using System.Text;
using System.Text.RegularExpressions;
using Dstack.Core.Models;

namespace Dstack.Core.Runner;

/// <summary>
/// Builds a job's environment (docs/ENVIRONMENT.md). Precedence, lowest first: the base (<see cref="HostBase"/> on
/// this machine, the image's own in a container) and the variables dstack sets, then the workflow's <c>env</c> (whose
/// values may reference variables), then secrets.
/// </summary>
public static partial class JobEnvironment
{
    /// <summary>
    /// What a job on this machine inherits from the runner, whose environment is that of whoever typed <c>dstack run</c>
    /// (with the store's credentials): only what programs commonly expect of a login, and proxy settings so that
    /// pip and downloads work behind a proxy. <c>LC_*</c> too, and <c>SLURM*</c>: a runner in a Slurm job passes on its
    /// allocation (job id, node list, GPUs), as jobs written for Slurm expect.
    /// </summary>
    private static readonly HashSet<string> Inherited = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR",
        "http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
    };

    /// <summary>Where the store's credentials are found in an environment: a job never inherits them, nor may a workflow pass them on.</summary>
    public static IReadOnlyList<string> CredentialVariables => Workflows.EnvNames.Credentials;

    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The base of a host job's environment: the inherited variables of <paramref name="runner"/>, with defaults for the essential ones.</summary>
    public static Dictionary<string, string> HostBase(IReadOnlyDictionary<string, string> runner)
    {
        var env = runner.Where(kv => Inherited.Contains(kv.Key) || kv.Key.StartsWith("LC_", StringComparison.Ordinal)
                                 || kv.Key.StartsWith("SLURM", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        env.TryAdd("PATH", DefaultPath);
        env.TryAdd("HOME", Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        env.TryAdd("USER", Environment.UserName);
        env.TryAdd("LOGNAME", env["USER"]);
        env.TryAdd("SHELL", "/bin/bash");
        env.TryAdd("LANG", "C.UTF-8");
        return env;
    }

    /// <summary>
    /// A container's base: the image's environment plus the <c>SLURM*</c> variables of <paramref name="runner"/> (a runner in
    /// a Slurm job passes its allocation on to a container as to a host job); the image's own values win.
    /// </summary>
    public static Dictionary<string, string> ContainerBase(IReadOnlyDictionary<string, string> image, IReadOnlyDictionary<string, string> runner)
    {
        var env = new Dictionary<string, string>(image, StringComparer.Ordinal);
        foreach (var (name, value) in runner)
            if (name.StartsWith("SLURM", StringComparison.Ordinal)) env.TryAdd(name, value);
        return env;
    }

    public static Dictionary<string, string> Build(
        IReadOnlyDictionary<string, string> system, RunRecord run, JobSpec job, IReadOnlyList<int> ports,
        IReadOnlyDictionary<string, string> secrets, string hostname, IReadOnlyDictionary<string, string>? nodes = null)
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
            ["HOSTNAME"] = hostname, // where the job's ports listen, as its host has it (IJobHost)
            ["JOB_HOSTNAME"] = hostname, // the 0.0.x name
        };
        foreach (var (name, value) in nodes ?? new Dictionary<string, string>()) env[name] = value;
        for (var i = 0; i < ports.Count; i++)
            env[$"PORT_{i}"] = env[$"JOB_PORT_{i}"] = ports[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var entry in job.Env)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) continue;
            env[entry[..eq]] = Expand(entry[(eq + 1)..], env);
        }
        foreach (var (name, value) in secrets) env[name] = value;
        return env;
    }

    /// <summary>This process's environment as a dictionary: the caller's at submit, the runner's (for <see cref="HostBase"/>) in the runner.</summary>
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

    /// <summary>
    /// Shell lines that export the environment (<c>export NAME='value'</c>), for a container's shell to read from its
    /// stdin: values keep their newlines and never appear on a command line or in the container's configuration.
    /// A name that is not a shell variable name (it could only come from a hostile store) is left out.
    /// </summary>
    public static string Exports(IReadOnlyDictionary<string, string> env)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in env)
            if (VariableName().IsMatch(name)) sb.Append("export ").Append(name).Append('=').Append(Workflows.ShellQuote.Quote(value)).Append('\n');
        return sb.ToString();
    }

    public static Regex VariableName() => Workflows.EnvNames.Variable();

    /// <summary>The bash script for a job: stderr merged into stdout, stop at the first failing command.</summary>
    public static string Script(IEnumerable<string> commands)
    {
        var sb = new StringBuilder("exec 2>&1\nset -e\n");
        foreach (var command in commands) sb.Append(command).Append('\n');
        return sb.ToString();
    }
}
