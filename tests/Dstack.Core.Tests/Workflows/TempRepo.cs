namespace Dstack.Core.Tests.Workflows;

/// <summary>A real temporary folder standing in for a repository; deleted on dispose.</summary>
internal sealed class TempRepo : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("dstack-workflows-").FullName;

    public TempRepo Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
