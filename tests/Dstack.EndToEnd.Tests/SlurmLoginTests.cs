using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// A Slurm target with <c>--login HOST</c>: Slurm's commands run over SSH there. Here the SSH test host h1, which sees this
/// machine's files (Slurm's client tools included) but, in its own network namespace, not the test cluster's controller.
/// </summary>
[Collection("ssh hosts")]
public sealed class SlurmLoginTests
{
    [Fact]
    public async Task ALoginHostThatCannotReachTheController_IsOneLineNamingTheHostAndTheFix_AndNothingIsSaved()
    {
        var ssh = await SshHosts.GetAsync();
        await using var ada = new Sandbox();

        var add = await ada.DstackAsync("config", "compute", "add", "remote", "--slurm", "--login", "h1", "--ssh-config", ssh.ConfigFile);

        add.ExitCode.ShouldNotBe(0);
        add.StdErr.ShouldStartWith("Error: The Slurm cluster does not answer from login host h1: ");
        add.StdErr.ShouldEndWith(". Check that slurmctld runs (`scontrol ping`) and that munge works there.\n");
        add.StdErr.Trim().Split('\n').Length.ShouldBe(1, add.ToString());
        (await ada.DstackAsync("config", "compute", "list")).StdOut.ShouldNotContain("remote");
    }
}
