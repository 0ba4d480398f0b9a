using System.Net.Sockets;
using System.Text;

namespace Dstack.Core.Docker;

/// <summary>
/// Asks the local Docker daemon directly over its socket about an image or a container, on the path of every container
/// run (is the image here, what is its environment, has the container started): a few milliseconds, where the <c>docker</c> command line takes tens. Anything
/// but a plain local daemon (DOCKER_HOST elsewhere, a context) and any doubt answer "don't know": the command line decides.
/// </summary>
public static class DockerSocket
{
    private const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>True when the daemon says it has the image; false when it has not, or when it could not be asked.</summary>
    public static async Task<bool> HasImageAsync(string image, CancellationToken ct) =>
        await InspectImageAsync(image, ct) is not null;

    /// <summary>The daemon's description of the image (JSON), or null when it has none or could not be asked.</summary>
    public static Task<string?> InspectImageAsync(string image, CancellationToken ct) =>
        GetAsync($"/images/{string.Join('/', image.Split('/').Select(Uri.EscapeDataString))}/json", ct);

    /// <summary>The daemon's description of the container (JSON), or null when it has none (yet) or could not be asked.</summary>
    public static Task<string?> InspectContainerAsync(string name, CancellationToken ct) =>
        GetAsync($"/containers/{Uri.EscapeDataString(name)}/json", ct);

    private static async Task<string?> GetAsync(string path, CancellationToken ct)
    {
        if (LocalSocket() is not { } socketPath) return null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token);
            // HTTP/1.0: the daemon answers and closes, so the response is everything up to the end of the stream.
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n"), timeout.Token);
            using var response = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0) response.Write(buffer, 0, read);
            var text = Encoding.UTF8.GetString(response.GetBuffer(), 0, (int)response.Length);
            var body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var status = text.AsSpan(0, Math.Max(0, text.IndexOf('\r')));
            return body > 0 && status.StartsWith("HTTP/1.") && status.Contains(" 200 ", StringComparison.Ordinal) ? text[(body + 4)..] : null;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The daemon's socket when the command line would talk to the local default daemon too; else null.</summary>
    private static string? LocalSocket()
    {
        if (Environment.GetEnvironmentVariable("DOCKER_CONTEXT") is { Length: > 0 }) return null;
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var path = string.IsNullOrEmpty(host) ? DefaultSocket : host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
        if (path is null || !File.Exists(path)) return null;
        var config = Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), "config.json");
        try
        {
            if (File.Exists(config) && File.ReadAllText(config).Contains("\"currentContext\"", StringComparison.Ordinal)) return null;
        }
        catch (IOException) { return null; }
        return path;
    }
}
