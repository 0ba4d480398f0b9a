using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

public class WorkflowDiscoveryTests
{
    private static string Workflow(string name) => $"workflows:\n  - {{name: {name}, provider: bash, commands: [echo {name}]}}\n";

    [Fact]
    public void Load_RepoWithoutWorkflowFiles_GivesAnEmptySet()
    {
        using var repo = new TempRepo();

        var set = WorkflowLoader.Load(repo.Root);

        set.All.ShouldBeEmpty();
        set.Files.ShouldBeEmpty();
    }

    [Fact]
    public void Load_MainFileAndFolder_ReadsMainFileFirstThenFolderSortedOrdinally()
    {
        using var repo = new TempRepo()
            .Write(".dstack/workflows/b.yml", Workflow("from-b"))
            .Write(".dstack/workflows/a.yaml", Workflow("from-a"))
            .Write(".dstack/workflows/C.yaml", Workflow("from-C"))
            .Write(".dstack/workflows/notes.txt", "not a workflow file")
            .Write(".dstack/workflows.yaml", Workflow("main"));

        var set = WorkflowLoader.Load(repo.Root);

        set.Files.ShouldBe([".dstack/workflows.yaml", ".dstack/workflows/C.yaml", ".dstack/workflows/a.yaml", ".dstack/workflows/b.yml"]);
        set.All.Select(w => w.Name).ShouldBe(["main", "from-C", "from-a", "from-b"]);
        set.Find("from-b")!.Location.File.ShouldBe(".dstack/workflows/b.yml");
    }

    [Fact]
    public void Load_OnlyTheFolder_NeedsNoMainFile()
    {
        using var repo = new TempRepo().Write(".dstack/workflows/x.yaml", Workflow("x"));

        WorkflowLoader.Load(repo.Root).All.ShouldHaveSingleItem().Name.ShouldBe("x");
    }

    [Fact]
    public void Load_ErrorInAFolderFile_NamesThatFileRelativeToTheRepo()
    {
        using var repo = new TempRepo()
            .Write(".dstack/workflows.yaml", Workflow("ok"))
            .Write(".dstack/workflows/x.yaml", "workflows:\n  - name: bad\n    provider: bash\n    comands: [echo]\n");

        var error = Should.Throw<WorkflowException>(() => WorkflowLoader.Load(repo.Root));

        error.Message.ShouldBe(".dstack/workflows/x.yaml:4:5: unknown property 'comands' (did you mean 'commands'?)");
    }

    [Fact]
    public void Load_SameNameInMainFileAndFolder_IsAnError()
    {
        using var repo = new TempRepo()
            .Write(".dstack/workflows.yaml", Workflow("train"))
            .Write(".dstack/workflows/extra.yml", Workflow("train"));

        Should.Throw<WorkflowException>(() => WorkflowLoader.Load(repo.Root))
            .Message.ShouldBe(".dstack/workflows/extra.yml:2:6: workflow 'train' is already defined at .dstack/workflows.yaml:2:6");
    }
}
