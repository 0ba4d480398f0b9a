namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// The store as a runner on an SSH host uses it. Either the same local folder, seen on the host through a shared
/// file system (<see cref="LocalFolder"/>, also the runner's dstack home there), or an S3 bucket: <see cref="ConfigYaml"/>
/// is the host's <c>config.yaml</c> (no credentials in it), kept under <c>~/.dstack/home/KEY</c> of the SSH user, and
/// <see cref="Credentials"/> gives what goes over the session's standard input into the runner's 0600 file (null:
/// none, the host's own AWS chain is used).
/// </summary>
public sealed record SshStore(string? LocalFolder, string? ConfigYaml, string Key, Func<string?> Credentials)
{
    public static SshStore Folder(string folder) => new(folder, null, "local", () => null);
}
