using Dstack.Core.Errors;

namespace Dstack.Core.Docker;

/// <summary>Every sentence a user can see about Docker on this machine, each with the command that fixes it.</summary>
public sealed class DockerException(string message) : DstackException(message)
{
    public static DockerException NotInstalled() =>
        new("Docker is not installed: this run needs it for its image. Install Docker (e.g. `apt-get install docker.io`) and start its daemon.");

    public static DockerException DaemonNotRunning(string error) =>
        new($"The Docker daemon is not running ({error}). Start it (e.g. `dockerd &` or `systemctl start docker`) and run again.");

    public static DockerException ImageUnavailable(string image, string error) =>
        new($"Image '{image}' is not on this machine and cannot be pulled ({error}). " +
            $"Build it with `docker build -t {image} .`, or load it with `docker load -i FILE.tar`.");
}
