using System.Runtime.InteropServices;
using Dstack.Core.Storage;
using Dstack.Core.Workflows;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// Puts this dstack executable on a host once per version: at <c>~/.dstack/bin/&lt;sha256&gt;/dstack</c> of the
/// SSH user. One round trip finds the host's architecture and whether that file is there; only when it is not
/// does a second one stream the file over the session's standard input into a temporary name, check its SHA-256
/// on the host, and rename it into place (concurrent copies to one host each use their own temporary file).
/// </summary>
public static class BinaryShipper
{
    /// <summary>The folder under the SSH user's home that holds one folder per dstack version.</summary>
    public const string RemoteFolder = ".dstack/bin";

    public static async Task<ShipResult> ShipAsync(SshSession session, string executable, CancellationToken ct)
    {
        var hash = await FileHashCache.HashAsync(executable, ct);
        var relative = $"{RemoteFolder}/{hash}/dstack";
        var check = await session.RunCheckedAsync(
            $"uname -m; echo \"$HOME\"; if [ -x \"$HOME\"/{relative} ]; then echo present; else echo missing; fi",
            "checking for dstack", stdin: null, ct);
        var lines = check.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 3) throw SshException.Failed(session.Host.ToString(), "checking for dstack", $"unexpected answer '{check}'");
        var (arch, home, state) = (lines[0], lines[1], lines[2]);
        var remotePath = $"{home.TrimEnd('/')}/{relative}";
        if (NormalizeArch(arch) != LocalArch()) throw SshException.ArchMismatch(session.Host.ToString(), arch, LocalArch());
        if (state == "present") return new ShipResult(remotePath, Copied: false, Bytes: 0);

        var dir = ShellQuote.Quote($"{RemoteFolder}/{hash}");
        var copy = $"cd && mkdir -p {dir} && t={dir}/dstack.$$.tmp && cat > \"$t\" && " +
                   $"h=$(sha256sum \"$t\" | cut -d' ' -f1) && if [ \"$h\" != {hash} ]; then rm -f \"$t\"; echo \"checksum $h, expected {hash}\" >&2; exit 1; fi && " +
                   $"chmod 755 \"$t\" && mv -f \"$t\" {dir}/dstack";
        await using var file = File.OpenRead(executable);
        await session.RunCheckedAsync(copy, "copying dstack", file, ct);
        return new ShipResult(remotePath, Copied: true, Bytes: file.Length);
    }

    /// <summary>uname's name for this process's architecture: x86_64, aarch64, …</summary>
    public static string LocalArch() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "aarch64",
        Architecture.X86 => "i686",
        Architecture.Arm => "armv7l",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>uname -m says arm64 on some systems and amd64 on the BSDs; they are the same machines.</summary>
    public static string NormalizeArch(string arch) => arch switch
    {
        "amd64" => "x86_64",
        "arm64" => "aarch64",
        _ => arch,
    };
}
