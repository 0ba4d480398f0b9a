using System.Net;
using System.Net.Sockets;

namespace Dstack.EndToEnd.Tests.Support;

public static class LoopbackPorts
{
    /// <summary>A loopback port nothing listens on (the OS just handed it out and it was closed again): connections are refused at once.</summary>
    public static int Closed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
