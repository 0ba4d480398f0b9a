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

        answered.ShouldBeNull();
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

        (await probe).ShouldBe(new ServerAnswer(200, null));
    }

    [Fact]
    public async Task Ask_ARedirectToTheLoginPage_AsksToLogIn()
    {
        using var listener = Listen();
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: ./login?to=\r\n\r\n"));
        });

        var answer = await new ServerProbe(TimeProvider.System).AskAsync("127.0.0.1", PortOf(listener), CancellationToken.None);

        answer.ShouldBe(new ServerAnswer(302, "./login?to="));
        answer!.AsksToLogIn.ShouldBeTrue();
        await serve;
    }

    [Theory]
    [InlineData("HTTP/1.1 403 Forbidden\r\n\r\n", 403, null)] // openvscode-server without its token
    [InlineData("HTTP/1.1 302 Found\r\nLocation: /tree?\r\n\r\n", 302, "/tree?")] // Jupyter's own redirect
    [InlineData("HTTP/1.0 200 OK", 200, null)] // a head cut short still has its status
    public void Parse_OtherAnswers_DoNotAskToLogIn(string head, int status, string? location)
    {
        var answer = ServerProbe.Parse(head);

        answer.ShouldBe(new ServerAnswer(status, location));
        answer!.AsksToLogIn.ShouldBeFalse();
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    [InlineData("HTTP/")]
    [InlineData("")]
    public void Parse_NotHttp_IsNull(string head) => ServerProbe.Parse(head).ShouldBeNull();
}
