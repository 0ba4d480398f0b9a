using System.Text.RegularExpressions;
using Dstack.Core.Errors;

namespace Dstack.Core.Secrets;

/// <summary>Secret names become environment variable names, so they must be valid ones.</summary>
public static partial class SecretName
{
    public static string Validate(string name) =>
        Valid().IsMatch(name)
            ? name
            : throw new DstackException($"Invalid secret name '{name}': it becomes an environment variable, so use letters, digits and '_', not starting with a digit (e.g. WANDB_API_KEY).");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex Valid();
}
