using System.Runtime.CompilerServices;

namespace Dstack.Core.Storage;

/// <summary>
/// <see cref="IStorage"/> over a local folder. Atomic writes go through a temp file and a rename;
/// create-only writes through a no-overwrite move (a hard link on Linux), so racing writers cannot both win.
/// </summary>
public sealed class LocalStorage(string root) : IStorage
{
    public string Root { get; } = Path.GetFullPath(root);

    public string PathOf(string key)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Split('/').Contains(".."))
            throw new ArgumentException($"Invalid storage key '{key}'.", nameof(key));
        return Path.Combine(Root, key);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        try { return await File.ReadAllBytesAsync(PathOf(key), ct); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var path = PathOf(key);
        var temp = await WriteTempAsync(path, data, ct);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var path = PathOf(key);
        if (File.Exists(path)) return false;
        var temp = await WriteTempAsync(path, data, ct);
        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return false;
        }
    }

    public Task<bool> ExistsAsync(string key, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        try { File.Delete(path); }
        catch (DirectoryNotFoundException) { }
        PruneEmptyParents(Path.GetDirectoryName(path));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var slash = prefix.LastIndexOf('/');
        var dir = slash < 0 ? Root : Path.Combine(Root, prefix[..slash]);
        if (!Directory.Exists(dir)) yield break;
        var keys = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(Root, file).Replace('\\', '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && !IsTemp(key)) keys.Add(key);
        }
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ct.ThrowIfCancellationRequested();
            yield return key;
        }
        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListChildrenAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var dir = Path.Combine(Root, prefix.TrimEnd('/'));
        if (!Directory.Exists(dir)) yield break;
        var names = new List<string>();
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo) names.Add(entry.Name + "/");
            else if (!IsTemp(entry.Name)) names.Add(entry.Name);
        }
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            ct.ThrowIfCancellationRequested();
            yield return name;
        }
        await Task.CompletedTask;
    }

    public async Task PutFileAsync(string key, string localPath, CancellationToken ct)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = TempNameFor(path);
        await Task.Run(() => File.Copy(localPath, temp, overwrite: true), ct);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<bool> GetFileAsync(string key, string localPath, CancellationToken ct)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return false;
        await Task.Run(() => File.Copy(path, localPath, overwrite: true), ct);
        return true;
    }

    private static async Task<string> WriteTempAsync(string path, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = TempNameFor(path);
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            await stream.WriteAsync(data, ct);
        return temp;
    }

    private static string TempNameFor(string path) => $"{path}.{Guid.NewGuid():N}.tmp~";

    private static bool IsTemp(string name) => name.EndsWith(".tmp~", StringComparison.Ordinal);

    // Keeps the tree from filling with empty folders after deletes; stops at the root.
    private void PruneEmptyParents(string? dir)
    {
        while (dir is not null && dir.Length > Root.Length && dir.StartsWith(Root, StringComparison.Ordinal))
        {
            try { Directory.Delete(dir); }
            catch (IOException) { return; }
            catch (UnauthorizedAccessException) { return; }
            dir = Path.GetDirectoryName(dir);
        }
    }
}
