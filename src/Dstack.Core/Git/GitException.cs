using Dstack.Core.Errors;

namespace Dstack.Core.Git;

/// <summary>Every sentence a user can see when git cannot answer about the repo, with git's own words.</summary>
public sealed class GitException(string message) : DstackException(message)
{
    public static GitException ListFailed(string root, string error) => new($"git could not list the files of {root}: {error}");
}
