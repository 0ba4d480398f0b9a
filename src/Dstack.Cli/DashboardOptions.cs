using System.Net;

namespace Dstack.Cli;

/// <summary>
/// How <c>dstack dashboard</c> listens. Defaults: 127.0.0.1 (this machine only), port <see cref="DefaultPort"/>, and a
/// browser opened when one is configured.
/// </summary>
public sealed record DashboardOptions(IPAddress Address, int Port, bool OpenBrowser)
{
    public const int DefaultPort = 8484;

    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>The address as it goes in a URL (an IPv6 one in brackets); 0.0.0.0 is shown as it was given.</summary>
    public string HostInUrl => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();

    public static IPAddress ParseHost(string value) =>
        value == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(value, out var address) ? address
        : throw DashboardException.BadHost(value);

    public static int ParsePort(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port : throw DashboardException.BadPort(value);
}
