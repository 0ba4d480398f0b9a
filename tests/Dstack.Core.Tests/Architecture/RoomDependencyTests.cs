namespace Dstack.Core.Tests.Architecture;

/// <summary>
/// The rooms of the code use only what <c>docs/ARCHITECTURE.md</c>'s table of rooms allows, and the table keeps the
/// generic corridors free of this machine and of loops (issue 10, "Rooms").
/// </summary>
public sealed class RoomDependencyTests
{
    private static readonly string[] GenericRooms = ["Runs", "Runner", "Storage", "Workflows", "Providers", "Models"];

    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Dstack.slnx"))) return dir.FullName;
            throw new InvalidOperationException("Cannot find the repository root (Dstack.slnx) above the test binaries.");
        }
    }

    private static RoomTable Table => RoomTable.Parse(File.ReadAllText(Path.Combine(RepoRoot, "docs", "ARCHITECTURE.md")));

    private static IReadOnlyList<RoomUse> Sources()
    {
        var files = new[] { "Dstack.Core", "Dstack.Storage.S3" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(RepoRoot, "src", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(RepoRoot, f), File.ReadAllText(f)))
            .ToList();
        files.Count.ShouldBeGreaterThan(100, "the sources were found");
        return RoomScanner.Scan(files);
    }

    [Fact]
    public void EveryRoom_UsesOnlyWhatTheTableOfRoomsAllows()
    {
        var table = Table;
        var violations = Sources()
            .SelectMany(f => f.Uses.Where(u => !table.Allowed(f.Room).Contains(u)).Select(u => $"{f.Path}: {f.Room} → {u}"))
            .ToList();
        violations.ShouldBeEmpty("a room uses one docs/ARCHITECTURE.md does not let it use; move the code, or change the table with a reason");
    }

    [Fact]
    public void EveryNamespace_IsARoomOfTheTable()
    {
        var rooms = Table.Rooms.ToHashSet(StringComparer.Ordinal);
        Sources().Select(f => f.Room).Distinct().Where(r => !rooms.Contains(r)).ShouldBeEmpty("a new room needs a row in docs/ARCHITECTURE.md");
    }

    [Fact]
    public void Table_KeepsStorageOffRuns_RunsOffRunner_GenericRoomsOffThisMachine_AndCoreOffTheCli()
    {
        var table = Table;
        table.Rooms.Count().ShouldBeGreaterThanOrEqualTo(20);
        table.Allowed("Storage").ShouldNotContain("Runs");
        table.Allowed("Runs").ShouldNotContain("Runner");
        foreach (var room in GenericRooms)
        {
            table.Allowed(room).ShouldNotContain("Local", room);
            table.Allowed(room).ShouldNotContain("Docker", room);
        }
        foreach (var room in table.Rooms.Where(r => r != "Dstack.Cli"))
            table.Allowed(room).ShouldNotContain("Dstack.Cli", room);
    }

    [Fact]
    public void Scanner_SeesUsingsAndQualifiedNames_ButNotCommentsOrStrings()
    {
        var uses = RoomScanner.Scan(
        [
            ("Local/PosixProcess.cs", "namespace Dstack.Core.Local;\npublic static class PosixProcess { }"),
            ("Docker/DockerCli.cs", "namespace Dstack.Core.Docker;\npublic static class DockerCli { }"),
            ("Compute/ICompute.cs", "namespace Dstack.Core.Compute;\npublic interface ICompute { }"),
            ("Cli/Program.cs", "namespace Dstack.Cli;\npublic static class CliApp { }"),
            ("Runs/ByUsing.cs", "using Dstack.Core.Local;\nnamespace Dstack.Core.Runs;\nclass A { }"),
            ("Runs/ByStatic.cs", "using static Dstack.Core.Local.PosixProcess;\nnamespace Dstack.Core.Runs;\nclass B { }"),
            ("Runs/ByFullName.cs", "namespace Dstack.Core.Runs;\nclass C { object x = new Dstack.Core.Docker.DockerCli(); }"),
            ("Runs/ByPartName.cs", "namespace Dstack.Core.Runs;\nclass D { void M() => Local.PosixProcess.Kill(); }"),
            ("Runs/ByCorePart.cs", "namespace Dstack.Core.Runs;\nclass I { void M() => Core.Local.PosixProcess.Kill(); }"),
            ("Runs/ByCli.cs", "namespace Dstack.Core.Runs;\nclass E { object o = global::Dstack.Cli.CliApp.Run; }"),
            ("Compute/Ssh/Nested.cs", "namespace Dstack.Core.Compute.Ssh;\nclass F : ICompute { }"),
            ("Runs/Prose.cs", "namespace Dstack.Core.Runs;\n/// <see cref=\"Local.PosixProcess\"/>\nclass G { string s = \"Local.PosixProcess\"; string v = @\"Docker.DockerCli\"; /* Dstack.Core.Local */ char q = '\"'; string r = \"\"\"\nusing Dstack.Core.Docker;\n\"\"\"; }"),
            ("Runs/Property.cs", "namespace Dstack.Core.Runs;\nclass H { object Local; void M() => job.Local.PosixProcess(); }"),
        ]).ToDictionary(u => u.Path);

        uses["Runs/ByUsing.cs"].Uses.ShouldBe(["Local"]);
        uses["Runs/ByStatic.cs"].Uses.ShouldBe(["Local"]);
        uses["Runs/ByFullName.cs"].Uses.ShouldBe(["Docker"]);
        uses["Runs/ByPartName.cs"].Uses.ShouldBe(["Local"]);
        uses["Runs/ByCorePart.cs"].Uses.ShouldBe(["Local"]);
        uses["Runs/ByCli.cs"].Uses.ShouldBe(["Dstack.Cli"]);
        uses["Compute/Ssh/Nested.cs"].Room.ShouldBe("Compute/Ssh");
        uses["Compute/Ssh/Nested.cs"].Uses.ShouldBe(["Compute"]);
        uses["Runs/Prose.cs"].Uses.ShouldBeEmpty();
        uses["Runs/Property.cs"].Uses.ShouldBeEmpty();
    }

    [Fact]
    public void Table_ReadsRoomsTheirAllowancesAndKnownExceptions()
    {
        var table = RoomTable.Parse("""
            # x

            ## Rooms

            | room | holds | may use | known exceptions |
            |---|---|---|---|
            | `Models` | records | — | |
            | `Runs` | runs | Models, Storage | `Runner`: needs it, for now; Git: also |
            """.Replace("\n            ", "\n"));

        table.Rooms.ShouldBe(["Models", "Runs"]);
        table.Allowed("Models").ShouldBeEmpty();
        table.Allowed("Runs").OrderBy(r => r).ShouldBe(["Git", "Models", "Runner", "Storage"]);
        table.Exceptions("Runs").OrderBy(r => r).ShouldBe(["Git", "Runner"]);
    }
}
