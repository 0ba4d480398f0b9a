using Dstack.Core.Errors;
using Dstack.Core.Models;

namespace Dstack.Core.Secrets;

/// <summary>Every sentence a user can see about a secret, each naming the secret and what to do.</summary>
public sealed class SecretException(string message) : DstackException(message)
{
    public static SecretException InvalidName(string name) =>
        new($"Invalid secret name '{name}': it becomes an environment variable, so use letters, digits and '_', not starting with a digit (e.g. WANDB_API_KEY).");

    public static SecretException NotFoundToUpdate(string name, RepoRef repo) =>
        new($"Secret '{name}' not found in {repo}. Add it with: dstack secrets add {name} -");

    public static SecretException NotFound(string name, RepoRef repo) =>
        new($"Secret '{name}' not found in {repo}. `dstack secrets list` shows the secrets of this repo.");
}
