namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// What GPUs this machine seems to have. <see cref="WithFakeGpus"/> puts a fake <c>nvidia-smi</c> first on the
/// <c>PATH</c> dstack runs with (the only fake these tests use); <see cref="WithoutGpus"/> hides any real one.
/// </summary>
public sealed partial class Sandbox
{
    /// <summary>The query dstack makes; the fake answers only that one, the way the real tool formats it.</summary>
    public const string GpuQuery = "--query-gpu=index,name,memory.total --format=csv,noheader,nounits";

    /// <summary>Two 40 GB A100s, as <c>nvidia-smi</c> lists them.</summary>
    public static readonly string[] TwoA100s = ["0, NVIDIA A100-SXM4-40GB, 40960", "1, NVIDIA A100-SXM4-40GB, 40960"];

    /// <param name="gpus">CSV lines <c>index, name, memory.total (MiB)</c>, e.g. <c>0, NVIDIA A100-SXM4-40GB, 40960</c>.</param>
    public Sandbox WithFakeGpus(params string[] gpus)
    {
        var bin = Path.Combine(Root, "fake-bin");
        Directory.CreateDirectory(bin);
        var script = Path.Combine(bin, "nvidia-smi");
        File.WriteAllText(script, $"""
            #!/bin/sh
            if [ "$*" != "{GpuQuery}" ]; then echo "fake nvidia-smi: unexpected arguments: $*" >&2; exit 2; fi
            cat <<'GPUS'
            {string.Join("\n", gpus)}
            GPUS

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                     UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Env["PATH"] = $"{bin}:{PathWithoutNvidiaSmi()}";
        return this;
    }

    /// <summary>A machine without NVIDIA GPUs: the <c>PATH</c> without folders that hold an <c>nvidia-smi</c>.</summary>
    public Sandbox WithoutGpus()
    {
        Env["PATH"] = PathWithoutNvidiaSmi();
        return this;
    }

    private static string PathWithoutNvidiaSmi() =>
        string.Join(':', (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Where(dir => !File.Exists(Path.Combine(dir, "nvidia-smi"))));
}
