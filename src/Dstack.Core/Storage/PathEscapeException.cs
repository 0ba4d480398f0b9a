using Dstack.Core.Errors;

namespace Dstack.Core.Storage;

/// <summary>
/// A path that would lead outside the folder it belongs to (the working copy, the repository, a download folder):
/// through a symlink, with <c>..</c>, or absolute where only relative paths are placed. Each sentence names the path,
/// the folder and the fix.
/// </summary>
public sealed class PathEscapeException(string message) : DstackException(message)
{
    public static PathEscapeException Download(string path, string dir) => new(
        $"'{Shown(path)}' would be written outside {dir} through a symlink there; nothing was written. " +
        "Remove the link, or download into another folder (-o DIR).");

    public static PathEscapeException WorkingDir(string path) => new(
        $"working_dir '{Shown(path)}' leads outside the working copy (through a symlink or '..'); use a folder of the repository");

    public static PathEscapeException Artifact(string path) => new(
        $"artifact path '{Shown(path)}' leads outside the working copy through a symlink; use a folder of the working copy, or an absolute path");

    public static PathEscapeException NotAFolder(string path) => new(
        $"artifact path '{Shown(path)}' is taken by a file or a symlink, which dstack never deletes outside the working copy; use a folder");

    public static PathEscapeException Dep(string path, string owner) => new(
        $"dep artifact '{Shown(path)}' of {owner} would be placed outside the working copy (through a symlink or '..'); nothing was placed");

    public static PathEscapeException AbsoluteDep(string path, string owner) => new(
        $"dep artifact '{Shown(path)}' of {owner} has an absolute path, and deps are placed only inside the working copy; " +
        "save it at a path relative to the working directory to use it as a dep");

    public static PathEscapeException Requirements(string path) => new(
        $"requirements file '{Shown(path)}' is outside the working copy (through a symlink or '..'); use a file of the repository");

    private static string Shown(string path) => StoreContentException.Shown(path);
}
