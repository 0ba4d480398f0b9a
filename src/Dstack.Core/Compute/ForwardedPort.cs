using System.Globalization;

namespace Dstack.Core.Compute;

/// <summary>A job's port (<paramref name="Remote"/>, on its host) forwarded to <paramref name="Local"/> on this machine's loopback.</summary>
public sealed record ForwardedPort(int Remote, int Local)
{
    public string LocalUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Local}");
}
