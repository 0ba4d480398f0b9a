using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

public sealed class StorePathsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-paths-").FullName;

    private static readonly string Hash = ContentHash.Of("x"u8);

    private static SnapshotEntry File(string path) => new(path, 0x1a4, 1, Hash);
    private static SnapshotEntry Link(string path, string target) => new(path, 0, 0, null, target);
    private static SnapshotEntry Dir(string path) => new(path, 0, 0, null, IsDir: true);

    [Theory]
    [InlineData("a.txt")]
    [InlineData("src/app/main.py")]
    [InlineData(".dstack/workflows.yaml")]
    [InlineData("..hidden/x")]
    public void EntryProblem_PlainRelativePaths_AreFine(string path) => StorePaths.EntryProblem(path).ShouldBeNull();

    [Theory]
    [InlineData("", "empty")]
    [InlineData("../../x", "'..'")]
    [InlineData("a/../../x", "'..'")]
    [InlineData("a/./b", "'.'")]
    [InlineData("a//b", "empty")]
    [InlineData("a/", "empty")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("a\0b", "NUL")]
    public void EntryProblem_PathsThatCouldLeadOut_AreRefused(string path, string why) =>
        StorePaths.EntryProblem(path).ShouldNotBeNull().ShouldContain(why);

    [Theory]
    [InlineData("data")]
    [InlineData("./data")]
    [InlineData("a/../b")]
    public void RelativeProblem_PathsStayingBelowTheFolder_AreFine(string path) => StorePaths.RelativeProblem(path).ShouldBeNull();

    [Theory]
    [InlineData("..")]
    [InlineData("a/../../b")]
    [InlineData("/abs")]
    [InlineData("")]
    [InlineData("a\0")]
    public void RelativeProblem_PathsLeavingTheFolder_AreRefused(string path) => StorePaths.RelativeProblem(path).ShouldNotBeNull();

    [Fact]
    public void Validate_AnOrdinaryTree_Passes() =>
        StorePaths.Validate(new SnapshotManifest([Dir("d"), File("d/a"), Link("d/l", "/etc"), File("top")]), "run wet-fox-1");

    [Fact]
    public void Validate_APathThroughASymlinkOfTheSameManifest_IsRefused()
    {
        var error = Should.Throw<StoreContentException>(() =>
            StorePaths.Validate(new SnapshotManifest([Link("data", "/tmp/victim"), File("data/x")]), "run wet-fox-1"));
        error.Message.ShouldBe("A stored manifest of run wet-fox-1 has an unsafe path 'data/x' (goes through 'data', a file or symlink it also creates); nothing was written from it.");
    }

    [Fact]
    public void Validate_APathBelowAFile_TheSamePathTwice_ANulTarget_AndABadHash_AreRefused()
    {
        Should.Throw<StoreContentException>(() => StorePaths.Validate(new SnapshotManifest([File("a"), File("a/b")]), "run r"));
        Should.Throw<StoreContentException>(() => StorePaths.Validate(new SnapshotManifest([File("a"), Link("a", "b")]), "run r"));
        Should.Throw<StoreContentException>(() => StorePaths.Validate(new SnapshotManifest([Link("a", "b\0c")]), "run r"));
        Should.Throw<StoreContentException>(() => StorePaths.Validate(new SnapshotManifest([new SnapshotEntry("a", 0, 0, "../../etc/passwd")]), "run r"))
            .Message.ShouldContain("not a SHA-256");
    }

    [Fact]
    public void Validate_ShowsANulOrAnOverlongPath_EscapedAndShort()
    {
        var error = Should.Throw<StoreContentException>(() => StorePaths.Validate(new SnapshotManifest([File("a\0" + new string('x', 500))]), "run r"));
        error.Message.ShouldContain("a\\x00xxx");
        error.Message.Length.ShouldBeLessThan(200);
    }

    [Fact]
    public void CheckNoneThrough_ALinkFromOneManifestUnderAnotherManifestsFiles_IsRefused() =>
        Should.Throw<StoreContentException>(() => StorePaths.CheckNoneThrough([("a/sub", Link("sub", "/tmp/victim")), ("a/sub/x", File("x"))], "run r"));

    [Fact]
    public void Resolve_PlainAndLinkedInsideFolders_ResolveInside()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real"));
        System.IO.File.CreateSymbolicLink(Path.Combine(_root, "alias"), "real");
        System.IO.File.CreateSymbolicLink(Path.Combine(_root, "real", "up"), "..");

        StorePaths.Resolve(_root, "new/folder").ShouldBe(Path.Combine(_root, "new", "folder"));
        StorePaths.Resolve(_root, "alias/x").ShouldBe(Path.Combine(_root, "real", "x"));
        StorePaths.Resolve(_root, "real/up/real").ShouldBe(Path.Combine(_root, "real"));
        StorePaths.Resolve(_root, "").ShouldBe(_root);
    }

    [Fact]
    public void Resolve_ThroughALinkOut_UpWithDots_Absolute_OrALoop_IsNull()
    {
        var outside = Directory.CreateTempSubdirectory("dstack-victim-").FullName;
        try
        {
            System.IO.File.CreateSymbolicLink(Path.Combine(_root, "out"), outside);
            System.IO.File.CreateSymbolicLink(Path.Combine(_root, "rel-out"), "../" + Path.GetFileName(outside));
            System.IO.File.CreateSymbolicLink(Path.Combine(_root, "dangling"), "/nonexistent-dstack/x");
            System.IO.File.CreateSymbolicLink(Path.Combine(_root, "loop"), "loop");

            StorePaths.Resolve(_root, "out").ShouldBeNull();
            StorePaths.Resolve(_root, "out/x").ShouldBeNull();
            StorePaths.Resolve(_root, "rel-out/x").ShouldBeNull();
            StorePaths.Resolve(_root, "dangling/x").ShouldBeNull();
            StorePaths.Resolve(_root, "loop/x").ShouldBeNull();
            StorePaths.Resolve(_root, "../x").ShouldBeNull();
            StorePaths.Resolve(_root, "a/../../x").ShouldBeNull();
            StorePaths.Resolve(_root, "/etc/passwd").ShouldBeNull();
            StorePaths.Resolve(_root, "a\0b").ShouldBeNull();
        }
        finally { Directory.Delete(outside, recursive: true); }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
