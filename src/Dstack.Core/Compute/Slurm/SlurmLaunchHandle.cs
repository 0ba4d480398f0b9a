using System.Globalization;

namespace Dstack.Core.Compute.Slurm;

/// <summary>How <see cref="SlurmCompute"/> knows its runner again: the Slurm job id, stored as it is.</summary>
public static class SlurmLaunchHandle
{
    /// <summary>The job id; null for anything else (another compute's handle, a malformed one).</summary>
    public static long? Parse(string handle) =>
        long.TryParse(handle, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    /// <summary>sbatch --parsable prints <c>ID</c> or <c>ID;CLUSTER</c>.</summary>
    public static long? FromSbatch(string output) => Parse(output.Trim().Split(';')[0]);
}
