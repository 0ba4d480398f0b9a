using System.Diagnostics;
using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Runner;

public sealed partial class JobRunner
{
    private static string VenvOf(string root) => root + ".venv";

    /// <summary>
    /// <c>python: 3.X</c> and <c>requirements</c>: a virtualenv of its own for the run, with the requirements
    /// installed into it before the commands. Returns a failed state when that cannot be done.
    /// </summary>
    private async Task<JobState?> PreparePythonAsync(JobContext job, string root, string workingDir, Dictionary<string, string> env, CancellationToken ct)
    {
        if (job.Spec.Python is null && job.Spec.Requirements is null) return null;
        string? python = "python3";
        if (job.Spec.Python is { } version && host.FindPython(version) is var (path, versions) && (python = path) is null)
            return FailToStart(job, SubmitRefusal.NoPython(version, host.Description, versions).Sentence);
        var venv = VenvOf(root);
        var withPip = job.Spec.Requirements is not null;
        var (created, _) = await RunStepAsync(job, python, ["-m", "venv", .. withPip ? Array.Empty<string>() : ["--without-pip"], venv], workingDir, env, ct);
        if (created != 0) return FailToStart(job, $"could not create a virtualenv with {python}");
        env["VIRTUAL_ENV"] = venv;
        env["PATH"] = $"{Path.Combine(venv, "bin")}:{env.GetValueOrDefault("PATH")}";
        if (job.Spec.Requirements is not { } requirements) return null;
        var (installed, output) = await RunStepAsync(job, Path.Combine(venv, "bin", "python"),
            ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--retries", "1", "--timeout", "15", "-r", requirements], workingDir, env, ct);
        if (installed == 0) return null;
        var error = output.LastOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal)) ?? output.LastOrDefault() ?? $"exit code {installed}";
        return FailToStart(job, $"pip install -r {requirements} failed: {error}");
    }

    /// <summary>Runs a setup step, its output going to the job's logs; returns its exit code and last lines.</summary>
    private static async Task<(int ExitCode, List<string> Tail)> RunStepAsync(JobContext job, string file, IEnumerable<string> args, string workingDir, Dictionary<string, string> env, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment.Clear();
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        var tail = new List<string>();
        async Task Pump(StreamReader reader)
        {
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                job.Logs.AppendLine(line);
                lock (tail) { tail.Add(line); if (tail.Count > 20) tail.RemoveAt(0); }
            }
        }
        await Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError), process.WaitForExitAsync(ct));
        return (process.ExitCode, tail);
    }
}
