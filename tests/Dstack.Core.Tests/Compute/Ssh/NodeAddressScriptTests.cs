using System.Diagnostics;
using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

/// <summary>
/// The start script's address for a node, run by a real <c>/bin/sh</c> as sshd would with its <c>SSH_CONNECTION</c>
/// ("client port server port"): the server's address, which the other hosts reach too.
/// </summary>
public sealed class NodeAddressScriptTests
{
    private static async Task<string> AddressAsync(string host, string? sshConnection)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true };
        start.Environment.Remove("SSH_CONNECTION");
        if (sshConnection is not null) start.Environment["SSH_CONNECTION"] = sshConnection;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync("set -e\n" + SshCompute.NodeAddressScript(host) + "echo \"$a\"\n");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0);
        return output.Trim();
    }

    [Fact]
    public async Task AnAlias_IsReplacedByTheAddressSshdWasReachedAt()
    {
        (await AddressAsync("h1", "10.210.0.1 40022 10.210.0.11 22")).ShouldBe("10.210.0.11");
    }

    [Fact]
    public async Task AnIpTheTargetNames_IsKept_AndLoopbackOrNoConnection_KeepTheTargetsName()
    {
        (await AddressAsync("10.0.0.5", "10.210.0.1 40022 10.210.0.11 22")).ShouldBe("10.0.0.5");
        (await AddressAsync("h1", "127.0.0.1 40022 127.0.0.1 2222")).ShouldBe("h1", "a tunnel's loopback means nothing to the other hosts");
        (await AddressAsync("h1", null)).ShouldBe("h1");
    }
}
