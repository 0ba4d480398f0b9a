using System.IO.Enumeration;
using System.Runtime.CompilerServices;

namespace Dstack.Core.Storage;

/// <summary>
/// <see cref="IStorage"/> over a local folder. Atomic writes go through a temp file and a rename;
/// create-only writes publish a fully written temp file with link(2), so racing writers cannot both win.
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

    // Local file calls are made synchronously: small files read faster that way than through the
    // thread pool, and a command's start-up compiles less async machinery.
    public Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        // Missing keys are common (no stop request, no cache yet); a check is far cheaper than an exception.
        var path = PathOf(key);
        if (!File.Exists(path)) return Task.FromResult<byte[]?>(null);
        try { return Task.FromResult<byte[]?>(File.ReadAllBytes(path)); }
        catch (FileNotFoundException) { return Task.FromResult<byte[]?>(null); }
        catch (DirectoryNotFoundException) { return Task.FromResult<byte[]?>(null); }
    }

    public Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var path = PathOf(key);
        var temp = WriteTemp(path, data.Span);
        try { File.Move(temp, path, overwrite: true); }
        catch (Exception e)
        {
            AbandonWrite(e, path, temp);
            throw;
        }
        return Task.CompletedTask;
    }

    public Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var path = PathOf(key);
        if (File.Exists(path)) return Task.FromResult(false);
        var temp = WriteTemp(path, data.Span);
        try { return Task.FromResult(CreateOnlyLink.TryPublish(temp, path)); }
        catch (Exception e)
        {
            AbandonWrite(e, path, temp: null);
            throw;
        }
        finally { File.Delete(temp); }
    }

    /// <summary>A file moved into the store under a temp name; <see cref="Exclusive"/> when nothing else can change it.</summary>
    public sealed record TakenFile(string Path, bool Exclusive);

    /// <summary>
    /// Moves a file its owner is done with into the store, under a temp name no one else knows; null when it cannot
    /// move (another filesystem, gone). The caller stores it and deletes the temp name.
    /// </summary>
    public TakenFile? TryTake(string localPath)
    {
        var temp = TempNameFor(Path.Combine(Root, StoreKeys.BlobsPrefix + "taken"));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            File.Move(localPath, temp); // from another filesystem this is a copy, which a full disk cuts short
        }
        catch (IOException e)
        {
            AbandonWrite(e, temp, temp);
            return null;
        }
        catch (UnauthorizedAccessException) { return null; }
        return new TakenFile(temp, QuietFile.IsOurs(temp));
    }

    /// <summary>Gives an exclusive taken file its key (a link: false when that content is there already).</summary>
    public bool PublishTaken(TakenFile taken, string key)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(taken.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetLastWriteTimeUtc(taken.Path, DateTime.UtcNow); // stored now, as far as reclaiming goes
        try { return CreateOnlyLink.TryPublish(taken.Path, path); }
        catch (Exception e)
        {
            AbandonWrite(e, path, temp: null);
            throw;
        }
    }

    /// <summary>
    /// Deletes the temp files (of writes, and of files taken in) that a process which died mid-way left behind,
    /// when older than <paramref name="cutoff"/>. The store's own folders only: <c>tmp/</c> holds jobs' working copies.
    /// </summary>
    public int DeleteStaleTemps(DateTimeOffset cutoff)
    {
        if (!Directory.Exists(Root)) return 0;
        var deleted = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MatchType = MatchType.Simple };
        foreach (var folder in Directory.EnumerateDirectories(Root).Where(d => Path.GetFileName(d) != Config.DstackHome.TmpName))
            foreach (var file in Directory.EnumerateFiles(folder, "*.tmp~", options))
            {
                if (File.GetLastWriteTimeUtc(file) >= cutoff.UtcDateTime) continue;
                try { File.Delete(file); deleted++; }
                catch (IOException) { }
            }
        return deleted;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(key)));

    public Task<bool> TouchAsync(string key, CancellationToken ct)
    {
        try
        {
            File.SetLastWriteTimeUtc(PathOf(key), DateTime.UtcNow);
            return Task.FromResult(true);
        }
        catch (FileNotFoundException) { return Task.FromResult(false); }
        catch (DirectoryNotFoundException) { return Task.FromResult(false); }
    }

    public Task<DateTimeOffset?> GetModifiedAsync(string key, CancellationToken ct)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult<DateTimeOffset?>(info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc) : null);
    }

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
        // The part after the last '/' narrows the first level, so listing "run-names/wet-fox-" reads only those names.
        var stem = prefix[(slash + 1)..];
        var keys = new List<string>();
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos(stem + "*", new EnumerationOptions { MatchType = MatchType.Simple }))
        {
            var files = entry is DirectoryInfo sub
                ? sub.EnumerateFiles("*", SearchOption.AllDirectories).Select(f => f.FullName)
                : [entry.FullName];
            foreach (var file in files)
            {
                var key = Path.GetRelativePath(Root, file).Replace('\\', '/');
                if (key.StartsWith(prefix, StringComparison.Ordinal) && !IsTemp(key)) keys.Add(key);
            }
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
        // Names and types straight from the directory entries: no stat per entry (a runs folder has thousands).
        var names = new List<string>(new FileSystemEnumerable<string?>(dir,
            (ref FileSystemEntry entry) => entry.IsDirectory ? entry.FileName.ToString() + "/" : entry.FileName.EndsWith(".tmp~", StringComparison.Ordinal) ? null : entry.FileName.ToString(),
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }).OfType<string>());
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
        var temp = TempNameFor(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await Task.Run(() => File.Copy(localPath, temp, overwrite: true), ct);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e)
        {
            AbandonWrite(e, path, temp);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
        }
        catch (FileNotFoundException) { return Task.FromResult<Stream?>(null); }
        catch (DirectoryNotFoundException) { return Task.FromResult<Stream?>(null); }
    }

    private string WriteTemp(string path, ReadOnlySpan<byte> data)
    {
        var isPrivate = path.StartsWith(Path.Combine(Root, StoreKeys.PrivatePrefix), StringComparison.Ordinal);
        var dir = Path.GetDirectoryName(path)!;
        var temp = TempNameFor(path);
        try
        {
            if (isPrivate) CreatePrivateDirectory(dir);
            else Directory.CreateDirectory(dir);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 };
            if (isPrivate && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(temp, options);
            stream.Write(data);
        }
        catch (Exception e)
        {
            AbandonWrite(e, path, temp);
            throw;
        }
        return temp;
    }

    /// <summary>
    /// Cleans up after a failed write: its temp file goes (a full disk never fills up with empty temp files), and a
    /// full disk is thrown as <see cref="DiskFullException"/>, a user error; for any other failure the caller rethrows.
    /// </summary>
    private static void AbandonWrite(Exception e, string path, string? temp)
    {
        if (temp is not null)
        {
            try { File.Delete(temp); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        if (DiskFullException.IsDiskFull(e)) throw DiskFullException.At(Path.GetDirectoryName(path)!, e);
    }

    /// <summary>Folders of private keys are the owner's alone (0700), from the prefix down.</summary>
    private void CreatePrivateDirectory(string dir)
    {
        var top = Path.Combine(Root, StoreKeys.PrivatePrefix.TrimEnd('/'));
        var relative = Path.GetRelativePath(top, dir);
        var current = top;
        foreach (var part in relative == "." ? [] : relative.Split(Path.DirectorySeparatorChar).Prepend(""))
        {
            current = part.Length == 0 ? current : Path.Combine(current, part);
            if (Directory.Exists(current)) continue;
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(current);
            else Directory.CreateDirectory(current, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
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
