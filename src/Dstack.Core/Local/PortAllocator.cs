using System.Net;
using System.Net.Sockets;

namespace Dstack.Core.Local;

/// <summary>Finds free TCP ports on this machine by letting the OS pick them.</summary>
public static class PortAllocator
{
    public static IReadOnlyList<int> Allocate(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
