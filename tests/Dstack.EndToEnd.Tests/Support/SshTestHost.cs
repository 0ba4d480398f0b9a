namespace Dstack.EndToEnd.Tests.Support;

/// <summary>One throw-away sshd host of <see cref="SshHosts"/>, as hosts.json describes it.</summary>
public sealed record SshTestHost(string Name, string Address, int Port, string User, string IdentityFile, string HostKey);
