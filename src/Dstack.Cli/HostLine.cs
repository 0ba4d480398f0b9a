namespace Dstack.Cli;

/// <summary>One line of <c>dstack hosts</c> (and of the dashboard's Compute page); <paramref name="Problem"/> says why a host does not answer.</summary>
public sealed record HostLine(string Target, string Host, string Status, string Cpus, string Memory, string Gpus, string Platform, string? Problem);
