using Dstack.Core.Errors;
using Dstack.Core.Models;

namespace Dstack.Core.Tags;

/// <summary>Every sentence a user can see about a tag, each naming the tag and what to do.</summary>
public sealed class TagException(string message) : DstackException(message)
{
    public static TagException InvalidName(string name) =>
        new($"Invalid tag name '{name}': use letters, digits, '-', '_' and '.' only (e.g. model-v1.2).");

    public static TagException NotFound(string name, RepoRef repo) =>
        new($"Tag '{name}' not found in {repo}. `dstack tags list` shows the tags of this repo.");

    public static TagException CreatedMeanwhile(string name) =>
        new($"The tag '{name}' was just created by someone else; nothing was changed. `dstack tags add -y {name} …` overrides it.");

    public static TagException RunNotFinished(string runName, string tag) =>
        new($"The run '{runName}' is not finished yet; tag it when it ends (or submit with `dstack run -t {tag}`).");

    public static TagException NoSuchFolder(string folder) =>
        new($"'-a {folder}': no such folder. Name an existing folder to upload.");
}
