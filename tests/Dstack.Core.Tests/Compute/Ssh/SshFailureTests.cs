using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

/// <summary>What OpenSSH 9 prints when it cannot connect (copied from real sessions), read as one line with the fix.</summary>
public sealed class SshFailureTests
{
    private const string Try = "ssh h1 true";

    [Fact]
    public void ConnectionRefused_IsUnreachable_NamingTheHostAndHowToTry()
    {
        var e = SshFailure.Classify("h1", "ssh: connect to host 10.210.0.11 port 2: Connection refused\r\n", null, Try);
        e.Problem.ShouldBe(SshProblem.Unreachable);
        e.Message.ShouldBe("SSH host h1 is unreachable (Connection refused). Check that it is up and that `ssh h1 true` works from here.");
    }

    [Theory]
    [InlineData("ssh: Could not resolve hostname nosuch.invalid: Name or service not known", "Name or service not known")]
    [InlineData("ssh: connect to host 10.210.0.99 port 22: No route to host", "No route to host")]
    [InlineData("ssh: connect to host 10.1.2.3 port 22: Connection timed out", "Connection timed out")]
    public void NetworkFailures_AreUnreachable_WithTheReason(string stderr, string reason)
    {
        var e = SshFailure.Classify("h1", stderr, null, Try);
        e.Problem.ShouldBe(SshProblem.Unreachable);
        e.Message.ShouldContain($"({reason})");
    }

    [Fact]
    public void PermissionDenied_IsNoKey_NamingTheIdentityGiven()
    {
        var stderr = "runner@h1: Permission denied (publickey).\r\n";
        SshFailure.Classify("h1", stderr, null, Try).Message.ShouldContain("--identity FILE");
        var e = SshFailure.Classify("h1", stderr, "/keys/lab", Try);
        e.Problem.ShouldBe(SshProblem.NoKey);
        e.Message.ShouldContain("does not accept the key /keys/lab");
    }

    [Fact]
    public void ChangedHostKey_SaysHowToReplaceIt()
    {
        var stderr = """
            @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
            @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
            @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
            IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
            Host key for h1 has changed and you have requested strict checking.
            Host key verification failed.
            """;
        var e = SshFailure.Classify("h1", stderr, null, Try);
        e.Problem.ShouldBe(SshProblem.WrongHostKey);
        e.Message.ShouldContain("ssh-keygen -R h1");
        e.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void UnknownHostKey_SaysToConnectOnceByHand()
    {
        var e = SshFailure.Classify("h1", "No ED25519 host key is known for h1 and you have requested strict checking.\r\nHost key verification failed.\r\n", null, Try);
        e.Problem.ShouldBe(SshProblem.WrongHostKey);
        e.Message.ShouldContain("Connect once with `ssh h1 true`");
    }

    [Fact]
    public void AnythingElse_QuotesSshsLastLine()
    {
        SshFailure.Classify("h1", "debug1: x\nssh: something new went wrong\n", null, Try).Message
            .ShouldBe("ssh on SSH host h1 failed: ssh: something new went wrong");
    }
}
