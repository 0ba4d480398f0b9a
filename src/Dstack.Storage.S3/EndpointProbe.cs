using System.Net.Sockets;

namespace Dstack.Storage.S3;

/// <summary>
/// Tells a closed port (or an unknown host) from a server that takes connections and stays silent, once a call has run
/// out of time: the SDK's retries hide which one it was, and the fix differs.
/// </summary>
internal static class EndpointProbe
{
    /// <summary>Why a connection to the endpoint fails right now ("Connection refused"); null when it connects, or for AWS's own endpoints.</summary>
    public static async Task<string?> RefusalAsync(string? endpointUrl)
    {
        if (endpointUrl is null || !Uri.TryCreate(endpointUrl, UriKind.Absolute, out var uri)) return null;
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(uri.Host, uri.Port, cts.Token);
            return null;
        }
        catch (SocketException e) { return e.Message.TrimEnd('.'); }
        catch (OperationCanceledException) { return null; }
    }
}
