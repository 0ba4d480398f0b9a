using System.Text;
using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

/// <summary>
/// <see cref="SshSession"/> against the real test host h1 (scripts/ssh-hosts/up.sh, which the test script runs):
/// standard input reaches the command, exit codes come back, and connections go through the ControlMaster socket.
/// </summary>
public sealed class SshSessionHostTests : IDisposable
{
    private const string Config = "/tmp/ssh-hosts/ssh_config";
    private readonly string _control = Directory.CreateTempSubdirectory("ssh-cm-").FullName;

    public void Dispose() => Directory.Delete(_control, recursive: true);

    private SshSession H1()
    {
        File.Exists(Config).ShouldBeTrue($"No SSH test hosts ({Config} is missing): start them with scripts/ssh-hosts/up.sh (the test script does).");
        return new SshSession(new SshHostAddress("h1"), new SshOptions { ConfigFile = Config, ControlPersistSeconds = 5 }.WithControlDirectoryUnder(_control));
    }

    [Fact]
    public async Task Stdin_ReachesTheCommand_NeverItsCommandLine()
    {
        var session = H1();
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(secret));

        var result = await session.RunAsync("read -r s; echo \"got ${#s} chars\"; ps -o args= -e", stdin, CancellationToken.None);

        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldStartWith($"got {secret.Length} chars\n");
        result.StdOut.ShouldContain("ps -o args= -e", customMessage: "the host's process list, taken while the command ran");
        result.StdOut.ShouldNotContain(secret);
        session.Arguments("x").ShouldNotContain(a => a.Contains(secret));
    }

    [Fact]
    public async Task ExitCodesAndOutput_ComeBack_ThroughTheControlSocket()
    {
        var session = H1();

        var result = await session.RunAsync("hostname; echo oops >&2; exit 3", stdin: null, CancellationToken.None);

        (result.ExitCode, result.StdOut, result.StdErr).ShouldBe((3, "h1\n", "oops\n"));
        Directory.GetFileSystemEntries(session.Options.ControlDirectory!).Length.ShouldBe(1, "the master's socket");
        (await session.RunCheckedAsync("echo again", "echo", stdin: null, CancellationToken.None)).ShouldBe("again\n");
        Should.Throw<SshException>(() => session.RunCheckedAsync("echo no >&2; false", "checking", null, CancellationToken.None))
            .Message.ShouldBe("checking on SSH host h1 failed: no");
    }
}
