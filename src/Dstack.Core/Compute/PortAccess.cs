namespace Dstack.Core.Compute;

/// <summary>How a job's ports are reached once it runs.</summary>
public enum PortRoute
{
    /// <summary>The job listens where the user is: its address is the user's to open as it is.</summary>
    Direct,
    /// <summary>
    /// The job's host is elsewhere: its URL is on that host, and an attached CLI forwards each port (<c>ssh -L</c>) to
    /// this machine (<see cref="IForwardsPorts"/>), to the same number when it is free here.
    /// </summary>
    Forwarded,
}

/// <summary>
/// The address a job sees as <c>HOSTNAME</c> (where its ports listen, on its host) and how the user reaches them.
/// A direct port is opened as it is; a forwarded one is on its host, and reached here only through a forward.
/// </summary>
public sealed record PortAccess(string JobHostname, PortRoute Route)
{
    /// <summary>Where a job's port is: on the user's machine (direct), or on the job's host (forwarded).</summary>
    public string Url(int port) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://{JobHostname}:{port}");
}
