using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A web server on loopback that is not S3: every request gets a 404 HTML page, as a mistyped endpoint
/// (a website, another service) would answer.
/// </summary>
public sealed class NotS3Server : IAsyncDisposable
{
    private const string Page = "<html><body><h1>Not Found</h1></body></html>";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public NotS3Server()
    {
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(Socket client)
    {
        using var _ = client;
        try
        {
            var request = new StringBuilder();
            var buffer = new byte[8192];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await client.ReceiveAsync(buffer, _stop.Token);
                if (read == 0) return;
                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var head = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: {Page.Length}\r\nConnection: close\r\n\r\n");
            var isHead = request.ToString().StartsWith("HEAD ", StringComparison.Ordinal);
            await client.SendAsync(isHead ? head : [.. head, .. Encoding.ASCII.GetBytes(Page)], _stop.Token);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception) { /* the client went away */ }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}
