using System.Globalization;
using System.Security.Cryptography;
using Dstack.Core.Local;
using Dstack.Core.Workflows;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// Learns a host's <see cref="HostFacts"/> in one SSH round trip: a POSIX sh script that prints <c>key=value</c>
/// lines; each interpreter is asked its version once, however many names lead to it (python3, python3.11, /bin and
/// /usr/bin on a merged /usr: a Python start is most of the probe's time), and with <c>-S</c>: no <c>site</c> import,
/// which is most of a start. Whether the local store folder is visible there is detected, not assumed: a fresh marker
/// file with a random token is written into the folder, and the host must read that token back at the same path. It
/// also reads the host's runner ledger (<see cref="HostLoad"/>: what runs and waits there now) and which of the
/// runners it names are alive.
/// </summary>
public static class HostProbe
{
    public static async Task<HostFacts> ProbeAsync(SshSession session, string? storeFolder, CancellationToken ct)
    {
        string? marker = null, token = null;
        if (storeFolder is not null)
        {
            token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            marker = Path.Combine(Path.GetFullPath(storeFolder), $".dstack-probe-{token[..12]}");
            Directory.CreateDirectory(storeFolder);
            await File.WriteAllTextAsync(marker, token, ct);
        }
        try
        {
            var output = await session.RunCheckedAsync(Script(marker, token), "probe", stdin: null, ct);
            return Parse(output, session.Host.ToString());
        }
        finally
        {
            if (marker is not null) File.Delete(marker);
        }
    }

    /// <summary>
    /// Where the host's runners keep their ledger, as a shell word: <c>DSTACK_SCHEDULER_DIR</c> in the SSH session's
    /// environment, else <see cref="LocalScheduler.DefaultFolder"/> computed there.
    /// </summary>
    public const string LedgerPath =
        "\"${DSTACK_SCHEDULER_DIR:-${TMPDIR:-/tmp}/dstack-$(id -un)/scheduler/$(cat /proc/sys/kernel/hostname 2>/dev/null || uname -n)}/ledger.json\"";

    /// <summary>The probe script; with a marker, it also says whether the host reads the token there.</summary>
    public static string Script(string? marker, string? token)
    {
        var script = $"LEDGER={LedgerPath}\n" + """
            echo "hostname=$(hostname)"; echo "os=$(uname -s)"; echo "arch=$(uname -m)"
            echo "cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
            echo "mem_kib=$(awk '/^MemTotal:/{print $2}' /proc/meminfo 2>/dev/null)"
            [ -r /etc/os-release ] && echo "distro=$(. /etc/os-release; echo "$PRETTY_NAME")"
            if ! command -v docker >/dev/null 2>&1; then echo docker=no; elif [ -n "$DOCKER_HOST" ] || [ -w /var/run/docker.sock ]; then echo docker=yes
            elif [ -S /var/run/docker.sock ]; then echo "docker=no-access $(id -un)"; else echo docker=no-daemon; fi
            if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits 2>/dev/null | sed 's/^/gpu=/'; fi
            seen=" "; for d in $(echo "$PATH" | tr ':' ' '); do for f in "$d"/python3 "$d"/python3.[0-9] "$d"/python3.[0-9][0-9]; do
              [ -x "$f" ] || continue; r=$(readlink -f "$f" 2>/dev/null) || r=$f; case "$seen" in *" $r "*) continue;; esac; seen="$seen$r "
              echo "python=$("$f" -S -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)"; done; done
            j=$(cat "$LEDGER" 2>/dev/null) || j=
            if [ -n "$j" ]; then printf 'ledger=%s\n' "$j"; for p in $(printf '%s\n' "$j" | grep -o '"pid":[0-9]*' | cut -d: -f2 | sort -u); do
              s=$(cat /proc/$p/stat 2>/dev/null) || continue; set -- ${s##*) }; [ "$1" = Z ] || echo "alive=$p ${20}"; done; fi
            """;
        if (marker is not null && token is not null)
            // Visible means usable: the SSH user must also be able to write there (a runner writes the job's state).
            script += $"\nif [ \"$(cat {ShellQuote.Quote(marker)} 2>/dev/null)\" = {ShellQuote.Quote(token)} ] && [ -w {ShellQuote.Quote(Path.GetDirectoryName(marker)!)} ]; then echo store=visible; else echo store=absent; fi";
        return script + "\ntrue\n";
    }

    /// <summary>Reads the script's <c>key=value</c> lines; unknown keys are ignored, missing numbers are zero.</summary>
    public static HostFacts Parse(string output, string host)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var gpus = new List<string>();
        var pythons = new SortedSet<string>(Comparer<string>.Create(CompareVersions));
        bool? store = null;
        string? ledger = null;
        var alive = new HashSet<(int, long)>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var (key, value) = (line[..eq], line[(eq + 1)..].Trim());
            switch (key)
            {
                case "gpu": gpus.Add(value); break;
                case "python" when value.Length > 0: pythons.Add(value); break;
                case "store": store = value == "visible"; break;
                case "ledger": ledger = value; break;
                case "alive" when value.Split(' ') is [var pid, var ticks]
                    && int.TryParse(pid, CultureInfo.InvariantCulture, out var p) && long.TryParse(ticks, CultureInfo.InvariantCulture, out var t):
                    alive.Add((p, t));
                    break;
                default: values[key] = value; break;
            }
        }
        var cpus = int.TryParse(values.GetValueOrDefault("cpus"), CultureInfo.InvariantCulture, out var c) ? c : 0;
        var memory = long.TryParse(values.GetValueOrDefault("mem_kib"), CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : 0;
        var hostname = values.GetValueOrDefault("hostname") ?? host;
        var capacity = new ComputeCapacity(cpus, memory, LocalCapacity.Parse(string.Join('\n', gpus)), hostname);
        return new HostFacts(hostname, values.GetValueOrDefault("os") ?? "", values.GetValueOrDefault("arch") ?? "",
            values.GetValueOrDefault("distro") ?? "", capacity, values.GetValueOrDefault("docker") == "yes", [.. pythons], store, Load(ledger, alive),
            DockerUnusable(values.GetValueOrDefault("docker")));
    }

    /// <summary>Why the host's docker CLI cannot run a container (the probe's <c>docker=</c> line), or null.</summary>
    private static string? DockerUnusable(string? docker) => docker switch
    {
        "no-daemon" => SubmitRefusal.DockerNoDaemon,
        { } d when d.StartsWith("no-access ", StringComparison.Ordinal) => SubmitRefusal.DockerNoAccess(d["no-access ".Length..]),
        _ => null,
    };

    /// <summary>The runners' ledger as the host holds it, less the entries of runners that are gone; a ledger it cannot read is idle.</summary>
    private static HostLoad Load(string? ledger, IReadOnlySet<(int, long)> alive)
    {
        if (ledger is null) return HostLoad.Idle;
        try { return HostLoad.From(LocalScheduler.Read(System.Text.Encoding.UTF8.GetBytes(ledger)), alive); }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException) { return HostLoad.Idle; }
    }

    private static int CompareVersions(string a, string b)
    {
        var (pa, pb) = (a.Split('.'), b.Split('.'));
        for (var i = 0; i < Math.Max(pa.Length, pb.Length); i++)
        {
            var x = i < pa.Length && int.TryParse(pa[i], CultureInfo.InvariantCulture, out var xa) ? xa : -1;
            var y = i < pb.Length && int.TryParse(pb[i], CultureInfo.InvariantCulture, out var ya) ? ya : -1;
            if (x != y) return x.CompareTo(y);
        }
        return string.CompareOrdinal(a, b);
    }
}
