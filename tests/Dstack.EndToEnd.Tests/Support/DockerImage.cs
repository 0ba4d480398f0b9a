namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The local image the container tests use, built without a registry by scripts/docker-up.sh (the test
/// script runs it). The tests fail, never skip, when Docker does not answer.
/// </summary>
public static class DockerImage
{
    public const string Busybox = "local/busybox:1";

    /// <summary>Where a job's working copy (<c>/workflow</c> in its container) is on the host.</summary>
    public static string WorkingCopy(Sandbox sandbox, string run, int job = 0) =>
        Path.Combine(sandbox.Home, "tmp", "work", $"{Sandbox.Owner}.{Sandbox.RepoName}.{run}.{job}");

    public static string ContainerName(string run) => $"dstack-{Sandbox.Owner}.{Sandbox.RepoName}.{run}.0";

    /// <summary>The names of containers (running or not) of this run.</summary>
    public static IReadOnlyList<string> Containers(string run)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("docker", ["ps", "-a", "--format", "{{.Names}}", "--filter", $"label=dstack.run={run}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"docker ps failed (is dockerd running? scripts/docker-up.sh starts it): {error}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
