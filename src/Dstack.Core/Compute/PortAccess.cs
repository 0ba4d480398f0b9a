namespace Dstack.Core.Compute;

/// <summary>How a job's ports are reached once it runs.</summary>
public enum PortRoute
{
    /// <summary>The job listens where the user is: its address is the user's to open as it is.</summary>
    Direct,
    /// <summary>The job's host is elsewhere: the CLI forwards each port (<c>ssh -L</c>) to the same number here.</summary>
    Forwarded,
}

/// <summary>
/// The address a job sees as <c>HOSTNAME</c> (where its ports listen, on its host) and how the user reaches them.
/// Whatever the route, the printed URL is on the user's machine: a forwarded port keeps its number.
/// </summary>
public sealed record PortAccess(string JobHostname, PortRoute Route)
{
    /// <summary>Where the user opens a job's port.</summary>
    public string Url(int port) => Route switch
    {
        PortRoute.Direct => $"http://{JobHostname}:{port}",
        PortRoute.Forwarded => $"http://127.0.0.1:{port}",
        _ => throw new InvalidOperationException($"Unknown port route {Route}."),
    };
}
