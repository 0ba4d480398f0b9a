using Dstack.Core.Models;

namespace Dstack.Core.Runner;

/// <summary>
/// Jobs' working copies on this machine: for a job key K (<see cref="JobKey"/>) the folder K, its script K.sh and
/// its virtualenv K.venv. A runner holds K.lock locked (an advisory lock the kernel drops when the process dies)
/// for as long as it uses them and removes all of it when it ends. A runner that died (runner lost) leaves them
/// behind: <see cref="DeleteRun"/> and <see cref="DeleteAbandoned"/> remove what no live runner holds.
/// Only runners create lock files; others delete one only while holding it.
/// </summary>
public sealed class WorkingCopies(string root)
{
    private static readonly string[] Suffixes = [".venv", ".sh", ".lock"];

    public string Root { get; } = root;

    public string PathOf(string key) => Path.Combine(Root, key);

    /// <summary>Taken by a runner before it creates anything under <paramref name="key"/>; disposing removes the lock file.</summary>
    public IDisposable Claim(string key)
    {
        Directory.CreateDirectory(Root);
        var path = LockOf(key);
        for (var attempt = 0; ; attempt++)
        {
            FileStream held;
            try { held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (attempt < 500)
            {
                Thread.Sleep(10); // a cleaner holds it for a moment
                continue;
            }
            // A cleaner may have deleted the file between our open and our lock: then the lock guards nothing.
            if (File.Exists(path)) return new Held(held, path);
            held.Dispose();
        }
    }

    /// <summary>Removes the working copies of every job of the run that no live runner holds (job numbers need not be known).</summary>
    public int DeleteRun(RepoRef repo, string run)
    {
        var prefix = JobKey.Of(repo, run, 0)[..^1];
        return Keys().Where(key => key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal) && key[prefix.Length..].All(char.IsAsciiDigit))
            .Count(TryDelete);
    }

    /// <summary>Removes every working copy that no live runner holds: what runners that died left behind.</summary>
    public int DeleteAbandoned() => Keys().Count(TryDelete);

    private IEnumerable<string> Keys()
    {
        if (!Directory.Exists(Root)) return [];
        return Directory.EnumerateFileSystemEntries(Root).Select(Path.GetFileName).OfType<string>()
            .Select(name => Suffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal)) is { } suffix ? name[..^suffix.Length] : name)
            .Distinct(StringComparer.Ordinal).ToList();
    }

    private bool TryDelete(string key)
    {
        var path = LockOf(key);
        FileStream? held = null;
        try
        {
            if (File.Exists(path)) held = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (FileNotFoundException) { /* its runner just ended and removed it */ }
        catch (IOException) { return false; } // a live runner holds it
        using (held)
        {
            Delete(PathOf(key));
            Delete(PathOf(key) + ".venv");
            Delete(PathOf(key) + ".sh");
            if (held is not null) Delete(path);
        }
        return true;
    }

    private string LockOf(string key) => PathOf(key) + ".lock";

    private static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path) || Directory.Exists(path)) File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private sealed class Held(FileStream file, string path) : IDisposable
    {
        public void Dispose()
        {
            Delete(path); // while still locked, so that no cleaner takes a lock on a file that is going away
            file.Dispose();
        }
    }
}
