using Dstack.Core.Errors;
using Dstack.Core.Git;

namespace Dstack.Core.Docker;

/// <summary>The few things dstack asks of Docker, through the <c>docker</c> command line.</summary>
public static class DockerCli
{
    public const string JobLabel = "dstack.job";

    /// <summary>Fails with what to do when Docker is missing or its daemon does not answer.</summary>
    public static async Task CheckAvailableAsync(CancellationToken ct)
    {
        ProcessRunner.Result version;
        try { version = await ProcessRunner.RunAsync("docker", Environment.CurrentDirectory, ct, "version", "--format", "{{.Server.Version}}"); }
        catch (System.ComponentModel.Win32Exception)
        {
            throw DockerException.NotInstalled();
        }
        if (version.ExitCode != 0)
            throw DockerException.DaemonNotRunning(FirstLine(version.StdErr));
    }

    /// <summary>
    /// Docker must answer and the image must be on this machine, or pullable; otherwise say what to do.
    /// When all is well, one question to the daemon's socket: this is on the path of every container run.
    /// </summary>
    public static async Task EnsureImageAsync(string image, CancellationToken ct)
    {
        if (await DockerSocket.HasImageAsync(image, ct)) return;
        ProcessRunner.Result inspect;
        try { inspect = await ProcessRunner.RunAsync("docker", Environment.CurrentDirectory, ct, "image", "inspect", "--format", "{{.Id}}", image); }
        catch (System.ComponentModel.Win32Exception)
        {
            throw DockerException.NotInstalled();
        }
        if (inspect.ExitCode == 0) return;
        if (inspect.StdErr.Contains("daemon", StringComparison.OrdinalIgnoreCase) && !inspect.StdErr.Contains("No such image", StringComparison.OrdinalIgnoreCase))
            await CheckAvailableAsync(ct);
        var pull = await ProcessRunner.RunAsync("docker", Environment.CurrentDirectory, ct, "pull", "--quiet", image);
        if (pull.ExitCode != 0)
            throw DockerException.ImageUnavailable(image, FirstLine(pull.StdErr));
    }

    /// <summary>
    /// The environment the image gives its containers (its <c>ENV</c>s): what a workflow's <c>env</c> values such as
    /// <c>PATH=$PATH:/opt/bin</c> refer to in a container job. Empty when it cannot be read.
    /// </summary>
    public static async Task<Dictionary<string, string>> ImageEnvironmentAsync(string image, CancellationToken ct)
    {
        var json = await DockerSocket.InspectImageAsync(image, ct);
        if (json is null)
        {
            var inspect = await ProcessRunner.RunAsync("docker", Environment.CurrentDirectory, ct, "image", "inspect", "--format", "{{json .}}", image);
            json = inspect.ExitCode == 0 ? inspect.StdOut : null;
        }
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null) return env;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("Config", out var config) && config.ValueKind == System.Text.Json.JsonValueKind.Object
                && config.TryGetProperty("Env", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array)
                foreach (var item in list.EnumerateArray())
                    if (item.GetString() is { } entry && entry.IndexOf('=') is var eq and > 0)
                        env[entry[..eq]] = entry[(eq + 1)..];
        }
        catch (System.Text.Json.JsonException) { }
        return env;
    }

    /// <summary>Whether the container has been started (it may have ended since); false while it is only created, or not yet.</summary>
    public static async Task<bool> ContainerStartedAsync(string name, CancellationToken ct)
    {
        var json = await DockerSocket.InspectContainerAsync(name, ct);
        if (json is null)
        {
            var inspect = await ProcessRunner.RunAsync("docker", Environment.CurrentDirectory, ct, "container", "inspect", "--format", "{{json .}}", name);
            json = inspect.ExitCode == 0 ? inspect.StdOut : null;
        }
        if (json is null) return false;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            // A created container's StartedAt is the zero time, 0001-01-01T00:00:00Z.
            return doc.RootElement.TryGetProperty("State", out var state) && state.ValueKind == System.Text.Json.JsonValueKind.Object
                && state.TryGetProperty("StartedAt", out var startedAt) && startedAt.ValueKind == System.Text.Json.JsonValueKind.String && startedAt.GetString() is { } at && !at.StartsWith("0001-", StringComparison.Ordinal);
        }
        catch (System.Text.Json.JsonException) { return false; }
    }

    /// <summary>Removes every container of a job (idempotent); false when Docker cannot be asked.</summary>
    public static async Task<bool> RemoveJobContainersAsync(string jobKey, CancellationToken ct)
    {
        try
        {
            var ids = await ProcessRunner.RunAsync("docker", Environment.CurrentDirectory, ct, "ps", "-aq", "--filter", $"label={JobLabel}={jobKey}");
            if (ids.ExitCode != 0) return false;
            foreach (var id in ids.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                await ProcessRunner.RunAsync("docker", Environment.CurrentDirectory, ct, "rm", "-f", id);
            return true;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no details";
}
