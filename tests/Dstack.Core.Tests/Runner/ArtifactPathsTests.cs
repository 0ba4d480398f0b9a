using Dstack.Core.Runner;

namespace Dstack.Core.Tests.Runner;

public sealed class ArtifactPathsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dstack-artifact-paths-").FullName;
    private string Root => Path.Combine(_dir, "copy");
    private string Victim => Path.Combine(_dir, "victim");

    public ArtifactPathsTests()
    {
        Directory.CreateDirectory(Path.Combine(Root, "src"));
        Directory.CreateDirectory(Victim);
        File.WriteAllText(Path.Combine(Victim, "keep.txt"), "precious");
    }

    [Fact]
    public void Inside_RelativePathsStayingIn_ResolveInTheCopy_AndOnesLeadingOutAreNull()
    {
        File.CreateSymbolicLink(Path.Combine(Root, "out"), Victim);
        File.CreateSymbolicLink(Path.Combine(Root, "alias"), "src");
        var src = Path.Combine(Root, "src");

        ArtifactPaths.Inside(Root, src, "data").ShouldBe(Path.Combine(src, "data"));
        ArtifactPaths.Inside(Root, src, "../alias/x").ShouldBe(Path.Combine(src, "x"));
        ArtifactPaths.Inside(Root, Root, "out").ShouldBeNull();
        ArtifactPaths.Inside(Root, src, "../out/data").ShouldBeNull();
        ArtifactPaths.Inside(Root, src, "../../victim").ShouldBeNull();
        ArtifactPaths.Inside(Root, src, Victim).ShouldBeNull();
    }

    [Fact]
    public void PrepareOutput_InsideTheCopy_ReplacesASymlinkThere_NeverWhatItPointsAt()
    {
        var link = Path.Combine(Root, "output");
        File.CreateSymbolicLink(link, Victim);

        ArtifactPaths.PrepareOutput(link, Root).ShouldBeTrue();

        new DirectoryInfo(link).LinkTarget.ShouldBeNull();
        Directory.GetFileSystemEntries(link).ShouldBeEmpty();
        File.ReadAllText(Path.Combine(Victim, "keep.txt")).ShouldBe("precious");
    }

    [Fact]
    public void PrepareOutput_OutsideTheCopy_KeepsAFoldersContent_AndRefusesAFile()
    {
        ArtifactPaths.PrepareOutput(Victim, Root).ShouldBeTrue();
        File.ReadAllText(Path.Combine(Victim, "keep.txt")).ShouldBe("precious");

        ArtifactPaths.PrepareOutput(Path.Combine(Victim, "keep.txt"), Root).ShouldBeFalse();
        File.ReadAllText(Path.Combine(Victim, "keep.txt")).ShouldBe("precious");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
