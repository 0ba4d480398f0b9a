using System.Globalization;

namespace Dstack.Core.Local;

/// <summary>
/// CPU and memory limits for one job through Linux cgroups (v2, or the v1 cpu and memory controllers).
/// The job's shell moves itself into the groups before it starts the commands, so every process it starts
/// is limited. Where no writable cgroup exists, <see cref="TryCreate"/> says why and the job runs unlimited.
/// </summary>
public sealed class CgroupLimits
{
    private readonly List<string> _groups;

    private CgroupLimits(List<string> groups) => _groups = groups;

    /// <summary>The files the job's shell writes its pid to.</summary>
    public IReadOnlyList<string> ProcsFiles => _groups.Select(g => Path.Combine(g, "cgroup.procs")).ToList();

    public static CgroupLimits? TryCreate(string name, int? cpus, long? memoryBytes, out string? whyNot)
    {
        whyNot = null;
        if (cpus is null && memoryBytes is null) return null;
        const string root = "/sys/fs/cgroup";
        try
        {
            if (File.Exists(Path.Combine(root, "cgroup.controllers")))
                return V2(root, name, cpus, memoryBytes);
            if (Directory.Exists(Path.Combine(root, "memory")) && Directory.Exists(Path.Combine(root, "cpu")))
                return V1(root, name, cpus, memoryBytes);
            whyNot = "this machine has no cgroup controllers for CPU and memory";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            whyNot = $"cgroups are not writable here ({e.Message.TrimEnd('.')})";
        }
        return null;
    }

    private static CgroupLimits V2(string root, string name, int? cpus, long? memoryBytes)
    {
        var parent = Path.Combine(root, "dstack");
        Directory.CreateDirectory(parent);
        File.WriteAllText(Path.Combine(root, "cgroup.subtree_control"), "+cpu +memory");
        File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), "+cpu +memory");
        var group = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        if (memoryBytes is { } mem) File.WriteAllText(Path.Combine(group, "memory.max"), mem.ToString(CultureInfo.InvariantCulture));
        if (cpus is { } cpu) File.WriteAllText(Path.Combine(group, "cpu.max"), $"{cpu * 100_000} 100000");
        return new CgroupLimits([group]);
    }

    private static CgroupLimits V1(string root, string name, int? cpus, long? memoryBytes)
    {
        var groups = new List<string>();
        if (memoryBytes is { } mem)
        {
            var group = Directory.CreateDirectory(Path.Combine(root, "memory", "dstack", name)).FullName;
            File.WriteAllText(Path.Combine(group, "memory.limit_in_bytes"), mem.ToString(CultureInfo.InvariantCulture));
            groups.Add(group);
        }
        if (cpus is { } cpu)
        {
            var group = Directory.CreateDirectory(Path.Combine(root, "cpu", "dstack", name)).FullName;
            File.WriteAllText(Path.Combine(group, "cpu.cfs_period_us"), "100000");
            File.WriteAllText(Path.Combine(group, "cpu.cfs_quota_us"), (cpu * 100_000).ToString(CultureInfo.InvariantCulture));
            groups.Add(group);
        }
        return new CgroupLimits(groups);
    }

    /// <summary>True when the kernel killed a process of the job for exceeding its memory limit.</summary>
    public bool OutOfMemory()
    {
        foreach (var group in _groups)
        {
            var events = Path.Combine(group, "memory.events");      // v2
            var control = Path.Combine(group, "memory.oom_control"); // v1
            var file = File.Exists(events) ? events : File.Exists(control) ? control : null;
            if (file is null) continue;
            var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
            if (line is not null && line.Split(' ')[1] != "0") return true;
        }
        return false;
    }

    /// <summary>Removes the groups once the job's processes are gone.</summary>
    public void Remove()
    {
        foreach (var group in _groups)
        {
            try { Directory.Delete(group); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
