namespace Dstack.EndToEnd.Tests.Support;

/// <summary>Secrets as the CLI shows them, as a job sees them, and where a value could have leaked to.</summary>
public sealed partial class Sandbox
{
    public string SecretsDir => Path.Combine(Home, "secrets");

    public string SecretFile(string name, string owner = Owner, string repoName = RepoName) =>
        Path.Combine(SecretsDir, owner, repoName, name + ".json");

    /// <summary>The rows of <c>dstack secrets list</c> (NAME, CREATED, UPDATED), run in <paramref name="cwd"/> (default: the repo).</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> SecretsAsync(string? cwd = null)
    {
        var list = await DstackAsync(["secrets", "list"], cwd: cwd);
        if (list.ExitCode != 0) throw new InvalidOperationException($"dstack secrets list failed: {list}");
        return TextTable.Parse(list.StdOut);
    }

    /// <summary>The secret names <c>dstack secrets list</c> shows.</summary>
    public async Task<IReadOnlyList<string>> SecretNamesAsync(string? cwd = null) =>
        (await SecretsAsync(cwd)).Select(r => r["NAME"]).ToList();

    /// <summary>
    /// What a job of the repo in <paramref name="cwd"/> gets as <c>$NAME</c>: <c>unset</c>, or the SHA-256 of the
    /// value (the value itself would be masked in the output). Compare with <see cref="Sha256Of"/>.
    /// </summary>
    public async Task<string> SecretSeenByAJobAsync(string name, string? cwd = null)
    {
        var script = $"if [ -z \"${{{name}+set}}\" ]; then echo unset; else printf %s \"${name}\" | sha256sum | cut -d' ' -f1; fi";
        var result = await DstackAsync(["run", "bash", "-c", script], cwd: cwd);
        if (result.ExitCode != 0) throw new InvalidOperationException($"the job that looks at ${name} failed: {result}");
        return result.StdOut.Trim();
    }

    public static string Sha256Of(string value) => Sha256(System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>Every file under <c>$DSTACK_HOME</c>, outside <c>secrets/</c>, whose bytes contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> FilesOutsideTheSecretStoreContaining(string text)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Home, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (file.StartsWith(SecretsDir + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            try
            {
                if (new FileInfo(file).LinkTarget is null && File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0) found.Add(file);
            }
            catch (IOException) { } // a scratch file the runner removed while we looked
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
