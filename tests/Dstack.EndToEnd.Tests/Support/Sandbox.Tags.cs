namespace Dstack.EndToEnd.Tests.Support;

public sealed partial class Sandbox
{
    /// <summary>The rows of <c>dstack tags list</c>, by column name (TAG, RUN, WORKFLOW, ARTIFACTS, CREATED).</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> TagsAsync()
    {
        var list = await DstackAsync("tags", "list");
        if (list.ExitCode != 0) throw new InvalidOperationException($"dstack tags list failed: {list}");
        return TextTable.Parse(list.StdOut);
    }

    /// <summary>The tags as <c>NAME RUN ARTIFACTS</c> lines, for compact comparisons.</summary>
    public async Task<IReadOnlyList<string>> TagSummariesAsync() =>
        (await TagsAsync()).Select(t => $"{t["TAG"]} {t["RUN"]} {t["ARTIFACTS"]}").ToList();

    /// <summary>Writes a file outside the repository (under the sandbox root) and returns its full path.</summary>
    public string WriteOutside(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
