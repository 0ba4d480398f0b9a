namespace Dstack.Core.Models;

/// <summary>A repository as the store knows it: <c>owner/name</c>.</summary>
public sealed record RepoRef(string Owner, string Name)
{
    public string Id => $"{Owner}/{Name}";
    public override string ToString() => Id;
}
