using System.Diagnostics;
using System.Globalization;
using Dstack.Core.Compute;
using Dstack.Core.Git;

namespace Dstack.Core.Runner;

/// <summary>
/// Runs a job in a Docker container, attached through the <c>docker</c> command line so its output streams
/// like a host job's. The environment goes through a private env file (never on a command line). A graceful
/// stop sends SIGTERM to every process in the container; a kill stops it at once; it is removed when done.
/// </summary>
public sealed class DockerExecutor : IJobExecutor
{
    public IRunningJob Start(JobLaunch launch, Action<ReadOnlySpan<byte>> output)
    {
        var spec = launch.Container ?? throw new ArgumentException("A container job needs a container spec.", nameof(launch));
        var envFile = Path.Combine(Path.GetTempPath(), $"dstack-env-{Guid.NewGuid():N}");
        File.WriteAllLines(envFile, launch.Environment.Select(kv => $"{kv.Key}={kv.Value.Replace('\n', ' ')}"),
            System.Text.Encoding.UTF8);
        File.SetUnixFileMode(envFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in RunArgs(spec, envFile)) psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start docker.");
        process.StandardInput.Close();
        return new ContainerJob(process, spec.Name, envFile, output);
    }

    public static List<string> RunArgs(ContainerSpec spec, string envFile)
    {
        var args = new List<string> { "run", "--rm", "--name", spec.Name, "--init", "--env-file", envFile, "-w", spec.WorkingDir };
        foreach (var (key, value) in spec.Labels) args.AddRange(["--label", $"{key}={value}"]);
        foreach (var (host, container) in spec.Mounts) args.AddRange(["-v", $"{host}:{container}"]);
        foreach (var port in spec.Ports) args.AddRange(["-p", $"127.0.0.1:{port}:{port}"]);
        if (spec.Cpus is { } cpus) args.AddRange(["--cpus", cpus.ToString(CultureInfo.InvariantCulture)]);
        if (spec.MemoryBytes is { } memory) args.AddRange(["--memory", memory.ToString(CultureInfo.InvariantCulture)]);
        if (spec.ShmSizeBytes is { } shm) args.AddRange(["--shm-size", shm.ToString(CultureInfo.InvariantCulture)]);
        if (spec.Gpus is { Count: > 0 } gpus) args.AddRange(["--gpus", $"\"device={string.Join(',', gpus)}\""]);
        args.Add(spec.Image);
        if (spec.Script is { } script) args.AddRange(["sh", script]);
        return args;
    }

    private sealed class ContainerJob : IRunningJob
    {
        private readonly Process _process;
        private readonly string _name;

        public ContainerJob(Process process, string name, string envFile, Action<ReadOnlySpan<byte>> output)
        {
            _process = process;
            _name = name;
            Pid = process.Id;
            StartTicks = PosixProcess.StartTicks(process.Id) ?? 0;
            Completion = RunAsync(envFile, output);
        }

        public int Pid { get; }
        public long StartTicks { get; }
        public Task<int> Completion { get; }

        /// <summary>SIGTERM to every process of the container (PID 1 is docker's init, which passes it on).</summary>
        public void Terminate() => _ = Task.Run(async () =>
        {
            var all = await Docker("exec", _name, "kill", "-s", "TERM", "-1");
            if (all.ExitCode != 0) await Docker("kill", "--signal", "TERM", _name);
        });

        public void Kill() => _ = Docker("kill", _name);

        private async Task<int> RunAsync(string envFile, Action<ReadOnlySpan<byte>> output)
        {
            var gate = new object();
            void Write(ReadOnlySpan<byte> data) { lock (gate) output(data); }
            try
            {
                var pumps = Task.WhenAll(Pump(_process.StandardOutput.BaseStream, Write), Pump(_process.StandardError.BaseStream, Write));
                // The env file is read when the container is created; it is not left behind.
                _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(_ => TryDelete(envFile));
                await _process.WaitForExitAsync();
                await pumps;
                return _process.ExitCode;
            }
            finally
            {
                TryDelete(envFile);
                _process.Dispose();
                // --rm removes it on a normal exit; this covers a docker client that died first.
                _ = Docker("rm", "-f", _name);
            }
        }

        private static async Task Pump(Stream stream, Action<ReadOnlySpan<byte>> output)
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0) output(buffer.AsSpan(0, read));
        }

        private static Task<ProcessRunner.Result> Docker(params string[] args) =>
            ProcessRunner.RunAsync("docker", Environment.CurrentDirectory, CancellationToken.None, args);

        private static void TryDelete(string path)
        {
            try { File.Delete(path); } catch (IOException) { }
        }
    }
}
