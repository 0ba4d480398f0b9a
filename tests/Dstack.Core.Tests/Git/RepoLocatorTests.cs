using Dstack.Core.Git;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Git;

public sealed class RepoLocatorTests
{
    [Theory]
    [InlineData("git@github.com:dstackai/dstack.git", "dstackai", "dstack")]
    [InlineData("https://github.com/dstackai/dstack", "dstackai", "dstack")]
    [InlineData("https://gitlab.example.com/group/sub/project.git", "sub", "project")]
    [InlineData("ssh://git@host.example.com:2222/acme/widgets.git", "acme", "widgets")]
    public void Identify_RemoteUrl_GivesOwnerAndName(string url, string owner, string name)
    {
        RepoLocator.Identify(url, "/tmp/whatever").ShouldBe(new RepoRef(owner, name));
    }

    [Fact]
    public void Identify_NoRemote_UsesTheFolderName()
    {
        RepoLocator.Identify(null, "/home/ada/my project").ShouldBe(new RepoRef("local", "my-project"));
    }

    [Fact]
    public void FindGitRoot_FromASubfolder_FindsTheTopLevel()
    {
        var root = Path.Combine(Path.GetTempPath(), "dstack-git-" + Guid.NewGuid().ToString("N"));
        var sub = Directory.CreateDirectory(Path.Combine(root, "a", "b")).FullName;
        Directory.CreateDirectory(Path.Combine(root, ".git"));
        RepoLocator.FindGitRoot(sub).ShouldBe(root);
        Directory.Delete(root, recursive: true);
    }
}
