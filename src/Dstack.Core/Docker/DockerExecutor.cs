using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dstack.Core.Git;
using Dstack.Core.Local;
using Dstack.Core.Runner;

namespace Dstack.Core.Docker;

/// <summary>
/// Runs a job in a Docker container, attached through the <c>docker</c> command line so its output streams like a
/// host job's. The environment (secrets among it) goes to the container's shell on its stdin, which it reads before
/// the job's script: never on a command line, in a file, or in the container's configuration (<c>docker inspect</c>),
/// and values keep their newlines. A graceful stop sends SIGTERM to every process in the container; a kill stops it
/// at once; it is removed when done. The clock paces the polls for the container's start.
/// </summary>
public sealed partial class DockerExecutor(TimeProvider time) : IJobExecutor
{
    private static readonly TimeSpan StartedPoll = TimeSpan.FromMilliseconds(50);
    /// <summary>How long Docker has to read an env file before it is deleted (it is also deleted when the job ends).</summary>
    private static readonly TimeSpan EnvFileLife = TimeSpan.FromSeconds(5);

    /// <summary>The container's command: export what arrives on stdin, then run the script (given as $0).</summary>
    private const string ReadEnvironmentThenRun = "eval \"$(cat)\" && exec sh \"$0\"";

    public IRunningJob Start(JobLaunch launch, Action<ReadOnlySpan<byte>> output)
    {
        var spec = ContainerOf(launch);
        // The image's own command (no script) cannot be asked to read stdin: its environment goes through an env file.
        var envFile = spec.Script is null ? WriteEnvFile(launch.Environment) : null;
        var psi = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (var arg in RunArgs(spec, envFile)) psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start docker.");
        var stdin = envFile is null ? JobEnvironment.Exports(launch.Environment) : "";
        return new ContainerJob(process, spec.Name, envFile, stdin, output, time);
    }

    public static List<string> RunArgs(ContainerSpec spec, string? envFile)
    {
        var args = new List<string> { "run", "--rm", "--name", spec.Name, "--init", "-w", spec.WorkingDir };
        args.AddRange(envFile is null ? ["-i"] : ["--env-file", envFile]);
        foreach (var (key, value) in spec.Labels) args.AddRange(["--label", $"{key}={value}"]);
        foreach (var (host, container) in spec.Mounts) args.AddRange(["-v", $"{host}:{container}"]);
        if (spec.HostNetwork) args.AddRange(["--network", "host"]);
        else foreach (var port in spec.Ports) args.AddRange(["-p", $"127.0.0.1:{port}:{port}"]);
        if (spec.Cpus is { } cpus) args.AddRange(["--cpus", cpus.ToString(CultureInfo.InvariantCulture)]);
        if (spec.CpuSet is { } cpuSet) args.AddRange(["--cpuset-cpus", cpuSet]);
        if (spec.MemoryBytes is { } memory) args.AddRange(["--memory", memory.ToString(CultureInfo.InvariantCulture)]);
        if (spec.ShmSizeBytes is { } shm) args.AddRange(["--shm-size", shm.ToString(CultureInfo.InvariantCulture)]);
        if (spec.Gpus is { Count: > 0 } gpus) args.AddRange(["--gpus", $"\"device={string.Join(',', gpus)}\""]);
        args.Add(spec.Image);
        if (spec.Script is { } script) args.AddRange(["sh", "-c", ReadEnvironmentThenRun, script]);
        return args;
    }

    /// <summary>Docker's env file: one <c>NAME=VALUE</c> a line, so a value's newlines become spaces and odd names are left out.</summary>
    private static string WriteEnvFile(IReadOnlyDictionary<string, string> environment)
    {
        var envFile = Path.Combine(Path.GetTempPath(), $"dstack-env-{Guid.NewGuid():N}");
        File.WriteAllText(envFile, "", Encoding.UTF8);
        File.SetUnixFileMode(envFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllLines(envFile, environment.Where(kv => JobEnvironment.VariableName().IsMatch(kv.Key))
            .Select(kv => $"{kv.Key}={kv.Value.ReplaceLineEndings(" ")}"), new UTF8Encoding(false));
        return envFile;
    }

    private sealed class ContainerJob : IRunningJob
    {
        private readonly Process _process;
        private readonly string _name;
        private readonly TimeProvider _time;

        public ContainerJob(Process process, string name, string? envFile, string stdin, Action<ReadOnlySpan<byte>> output, TimeProvider time)
        {
            _process = process;
            _name = name;
            _time = time;
            Pid = process.Id;
            StartTicks = PosixProcess.StartTicks(process.Id) ?? 0;
            Completion = RunAsync(envFile, stdin, output);
            Started = WaitStartedAsync();
        }

        public int Pid { get; }
        public long StartTicks { get; }
        public Task Started { get; }
        public Task<int> Completion { get; }
        /// <summary>Docker enforces the limits (<c>--cpus</c>, <c>--memory</c>); nothing to say.</summary>
        public string? Note => null;
        public bool OutOfMemory => false;

        /// <summary>SIGTERM to every process of the container (PID 1 is docker's init, which passes it on).</summary>
        public void Terminate() => _ = Task.Run(async () =>
        {
            var all = await Docker("exec", _name, "kill", "-s", "TERM", "-1");
            if (all.ExitCode != 0) await Docker("kill", "--signal", "TERM", _name);
        });

        public void Kill() => _ = Docker("kill", _name);

        /// <summary>Asks Docker until the container has started, or the job has ended without it.</summary>
        private async Task WaitStartedAsync()
        {
            while (!Completion.IsCompleted)
            {
                try
                {
                    if (await DockerCli.ContainerStartedAsync(_name, CancellationToken.None)) return;
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
                await Task.WhenAny(Completion, Task.Delay(StartedPoll, _time));
            }
        }

        private async Task<int> RunAsync(string? envFile, string stdin, Action<ReadOnlySpan<byte>> output)
        {
            var gate = new object();
            void Write(ReadOnlySpan<byte> data) { lock (gate) output(data); }
            try
            {
                var pumps = Task.WhenAll(Pump(_process.StandardOutput.BaseStream, Write), Pump(_process.StandardError.BaseStream, Write));
                await WriteStdinAsync(stdin);
                // The env file is read when the container is created; it is not left behind.
                if (envFile is not null) _ = Task.Delay(EnvFileLife, _time).ContinueWith(_ => TryDelete(envFile), TaskScheduler.Default);
                await _process.WaitForExitAsync();
                await pumps;
                return _process.ExitCode;
            }
            finally
            {
                if (envFile is not null) TryDelete(envFile);
                _process.Dispose();
                // --rm removes it on a normal exit; this covers a docker client that died first.
                _ = Docker("rm", "-f", _name);
            }
        }

        /// <summary>The environment for the container's shell, then end-of-file (a docker that failed early reads none of it).</summary>
        private async Task WriteStdinAsync(string stdin)
        {
            try
            {
                await _process.StandardInput.WriteAsync(stdin);
                _process.StandardInput.Close();
            }
            catch (IOException) { }
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
