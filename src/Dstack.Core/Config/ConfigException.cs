using Dstack.Core.Errors;

namespace Dstack.Core.Config;

/// <summary>Every sentence a user can see about <c>$DSTACK_HOME/config.yaml</c>, naming the file and how to fix it.</summary>
public sealed class ConfigException(string message) : DstackException(message)
{
    public static ConfigException NotKeyValue(string path, int line) =>
        new($"{path}:{line}: expected 'key: value'. Fix the file, or rewrite it with `dstack config`.");

    public static ConfigException UnknownBackend(string path, string? backend) =>
        new($"{path}: unknown backend '{backend}'; use local or s3 (`dstack config --backend s3 --bucket NAME`).");

    public static ConfigException NoBucket(string path) =>
        new($"{path}: backend s3 needs a bucket. Run: dstack config --backend s3 --bucket NAME --region REGION");

    public static ConfigException UnknownDefaultCompute(string path, string name) =>
        new($"{path}: default_compute '{name}' is not a compute target. Run: dstack config compute default local");
}
