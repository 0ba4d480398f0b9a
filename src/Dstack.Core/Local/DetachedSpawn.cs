using System.Collections;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace Dstack.Core.Local;

/// <summary>
/// Starts a program in a session of its own (no terminal, so it outlives the one it was started from), its input from
/// /dev/null and its output appended to a file, with one <c>posix_spawn</c>: no shell and no <c>setsid</c> in between
/// (two executables fewer per start). Signals start at their defaults with none blocked, and the caller's descriptors
/// other than the three standard ones are closed in the child.
/// </summary>
public static unsafe partial class DetachedSpawn
{
    private const int SetSigDef = 0x04, SetSigMask = 0x08, SetSid = 0x80; // glibc's POSIX_SPAWN_* flags
    private const int ReadOnly = 0, WriteCreateAppend = 0x1 | 0x40 | 0x400; // O_WRONLY | O_CREAT | O_APPEND
    // Larger than glibc's posix_spawnattr_t (336 bytes), posix_spawn_file_actions_t (80) and sigset_t (128).
    private const int OpaqueSize = 1024;

    /// <summary>The new process's pid; an <see cref="IOException"/> when it could not be started (the program missing, say).</summary>
    public static int Start(IReadOnlyList<string> command, string outputFile, IReadOnlyDictionary<string, string> extraEnvironment)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) env[(string)e.Key] = (string?)e.Value ?? "";
        foreach (var (name, value) in extraEnvironment) env[name] = value;

        var attr = NativeMemory.AllocZeroed(OpaqueSize);
        var actions = NativeMemory.AllocZeroed(OpaqueSize);
        var signals = NativeMemory.AllocZeroed(OpaqueSize);
        var argv = Strings(command);
        var envp = Strings(env.Select(e => $"{e.Key}={e.Value}").ToList());
        try
        {
            Check(posix_spawnattr_init(attr));
            Check(posix_spawn_file_actions_init(actions));
            try
            {
                Check(sigfillset(signals));
                Check(posix_spawnattr_setsigdefault(attr, signals));
                Check(sigemptyset(signals));
                Check(posix_spawnattr_setsigmask(attr, signals));
                Check(posix_spawnattr_setflags(attr, (short)(SetSid | SetSigDef | SetSigMask)));
                Check(posix_spawn_file_actions_addopen(actions, 0, "/dev/null", ReadOnly, 0));
                Check(posix_spawn_file_actions_addopen(actions, 1, outputFile, WriteCreateAppend, 0x1B6)); // 0666, less the umask
                Check(posix_spawn_file_actions_adddup2(actions, 1, 2));
                // glibc 2.34 and later; before, the runtime's own descriptors are close-on-exec all the same.
                try { Check(posix_spawn_file_actions_addclosefrom_np(actions, 3)); }
                catch (EntryPointNotFoundException) { }
                int pid;
                Check(posix_spawnp(&pid, command[0], actions, attr, argv, envp));
                return pid;
            }
            finally
            {
                posix_spawn_file_actions_destroy(actions);
                posix_spawnattr_destroy(attr);
            }
        }
        finally
        {
            Free(argv);
            Free(envp);
            NativeMemory.Free(signals);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
        }
    }

    /// <summary>posix_spawn's functions return the error number rather than setting errno.</summary>
    private static void Check(int result)
    {
        if (result != 0) throw new IOException(Marshal.GetPInvokeErrorMessage(result), result);
    }

    private static byte** Strings(IReadOnlyList<string> values)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < values.Count; i++) array[i] = Utf8StringMarshaller.ConvertToUnmanaged(values[i]);
        return array;
    }

    private static void Free(byte** array)
    {
        for (var p = array; *p != null; p++) NativeMemory.Free(*p);
        NativeMemory.Free(array);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int posix_spawnp(int* pid, string file, void* actions, void* attr, byte** argv, byte** envp);

    [LibraryImport("libc")] private static partial int posix_spawnattr_init(void* attr);
    [LibraryImport("libc")] private static partial int posix_spawnattr_destroy(void* attr);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setflags(void* attr, short flags);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setsigdefault(void* attr, void* signals);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setsigmask(void* attr, void* signals);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_init(void* actions);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_destroy(void* actions);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_addclosefrom_np(void* actions, int from);
    [LibraryImport("libc")] private static partial int sigfillset(void* set);
    [LibraryImport("libc")] private static partial int sigemptyset(void* set);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int posix_spawn_file_actions_addopen(void* actions, int fd, string path, int flags, int mode);
}
