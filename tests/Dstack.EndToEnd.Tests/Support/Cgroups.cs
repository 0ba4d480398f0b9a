namespace Dstack.EndToEnd.Tests.Support;

/// <summary>Whether this machine lets dstack create cgroups for CPU and memory limits (v2, or v1 cpu and memory).</summary>
public static class Cgroups
{
    private const string Root = "/sys/fs/cgroup";

    public static bool AreV2 => File.Exists(Path.Combine(Root, "cgroup.controllers"));

    public static bool AreWritable =>
        AreV2 ? CanCreateGroupIn(Root) : CanCreateGroupIn(Path.Combine(Root, "memory")) && CanCreateGroupIn(Path.Combine(Root, "cpu"));

    private static bool CanCreateGroupIn(string parent)
    {
        if (!Directory.Exists(parent)) return false;
        var probe = Path.Combine(parent, "dstack-e2e-probe-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
