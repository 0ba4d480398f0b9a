using System.Net;
using System.Net.Sockets;
using System.Text;
using Dstack.Core.Runner;

namespace Dstack.Core.Tests.Runner;

/// <summary>The readiness probe of dev environments: an HTTP answer counts, a closed port or a silent one does not.</summary>
public sealed class ServerProbeTests
{
    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static int PortOf(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    [Fact]
    public async Task Answers_AServerThatRedirects_Counts()
    {
        using var listener = Listen();
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 302 Found\r\nLocation: /login\r\nContent-Length: 0\r\n\r\n"));
        });

        (await new ServerProbe(TimeProvider.System).AnswersAsync("127.0.0.1", PortOf(listener), CancellationToken.None)).ShouldBeTrue();
        await serve;
    }

    [Fact]
    public async Task Answers_AClosedPort_DoesNotCount()
    {
        int port;
        using (var listener = Listen()) port = PortOf(listener);

        (await new ServerProbe(TimeProvider.System).AnswersAsync("127.0.0.1", port, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task Answers_APortThatAcceptsButSaysNothingHttp_DoesNotCount()
    {
        using var listener = Listen();
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("SSH-2.0-x\r\n"));
        });

        (await new ServerProbe(TimeProvider.System).AnswersAsync("127.0.0.1", PortOf(listener), CancellationToken.None)).ShouldBeFalse();
        await serve;
    }

    [Fact]
    public async Task Wait_StopsWhenTheJobExits_WithoutAnAnswer()
    {
        int port;
        using (var listener = Listen()) port = PortOf(listener);

        var answered = await new ServerProbe(TimeProvider.System).WaitAsync("127.0.0.1", port, Task.CompletedTask, TimeSpan.FromMinutes(5), CancellationToken.None);

        answered.ShouldBeFalse();
    }

    [Fact]
    public async Task Wait_ReturnsOnceTheServerStartsListening()
    {
        var listener = Listen();
        var port = PortOf(listener);
        listener.Stop();
        var exited = new TaskCompletionSource();
        var probe = new ServerProbe(TimeProvider.System).WaitAsync("127.0.0.1", port, exited.Task, TimeSpan.FromMinutes(5), CancellationToken.None);

        using var server = new TcpListener(IPAddress.Loopback, port);
        server.Start();
        using var client = await server.AcceptTcpClientAsync();
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.0 200 OK\r\n\r\n"));

        (await probe).ShouldBeTrue();
    }
}
