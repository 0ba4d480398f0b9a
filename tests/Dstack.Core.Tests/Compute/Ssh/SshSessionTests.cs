using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

public sealed class SshSessionTests
{
    [Fact]
    public void Arguments_AreNeverInteractive_AndMultiplexed()
    {
        var session = new SshSession(SshHostAddress.Parse("ubuntu@box:2222"), new SshOptions { ControlDirectory = "/tmp/cm" });
        var args = session.Arguments("echo hi");
        string.Join(' ', args).ShouldBe(
            "-o BatchMode=yes -o ConnectTimeout=10 -o ControlMaster=auto -o ControlPath=/tmp/cm/%C -o ControlPersist=60 -l ubuntu -p 2222 -T -- box echo hi");
    }

    [Fact]
    public void Arguments_WithConfigAndIdentity_UseOnlyThatKey()
    {
        var session = new SshSession(SshHostAddress.Parse("h1"), new SshOptions { ConfigFile = "/c/ssh_config", IdentityFile = "/k/id" });
        var args = string.Join(' ', session.Arguments("true"));
        args.ShouldStartWith("-F /c/ssh_config -i /k/id -o IdentitiesOnly=yes ");
        args.ShouldContain("-o ControlMaster=no -o ControlPath=none");
        args.ShouldEndWith("-T -- h1 true");
    }

    [Fact]
    public void TryCommand_IsWhatAUserTypes()
    {
        new SshSession(SshHostAddress.Parse("runner@10.0.0.1:2"), new SshOptions { ConfigFile = "/my config" }).TryCommand
            .ShouldBe("ssh -F '/my config' -p 2 runner@10.0.0.1 true");
    }

    [Fact]
    public void ControlDirectory_DiffersPerKey_AndStaysUnderTheSocketPathLimit()
    {
        var a = new SshOptions { IdentityFile = "/k/a" }.WithControlDirectoryUnder("/home/ada/.dstack/tmp/ssh");
        var b = new SshOptions { IdentityFile = "/k/b" }.WithControlDirectoryUnder("/home/ada/.dstack/tmp/ssh");
        a.ControlDirectory.ShouldStartWith("/home/ada/.dstack/tmp/ssh/");
        a.ControlDirectory.ShouldNotBe(b.ControlDirectory);

        var deep = new SshOptions().WithControlDirectoryUnder("/" + new string('d', 80));
        deep.ControlDirectory!.ShouldStartWith("/tmp/dstack-ssh-");
        (deep.ControlDirectory.Length + 1 + 40).ShouldBeLessThan(104);
    }
}
