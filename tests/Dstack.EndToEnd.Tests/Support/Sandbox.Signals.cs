namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// Files outside the repository through which a test and a job wait on each other. Jobs see the folder
/// as <c>$E2E_SIGNALS</c>: a job touches <c>"$E2E_SIGNALS/started"</c> and waits with
/// <see cref="AwaitSignal"/>; the test waits with <see cref="WaitForSignalAsync"/> and releases with <see cref="Raise"/>.
/// </summary>
public sealed partial class Sandbox
{
    public string Signals => Path.Combine(Root, "signals");

    /// <summary>A shell line that blocks the job until the test raises <paramref name="name"/>.</summary>
    public static string AwaitSignal(string name) => $"until [ -e \"$E2E_SIGNALS/{name}\" ]; do sleep 0.05; done";

    /// <summary>A shell line that tells the test the job reached this point.</summary>
    public static string SendSignal(string name) => $"touch \"$E2E_SIGNALS/{name}\"";

    public void Raise(string name) => File.WriteAllText(Path.Combine(Signals, name), "");

    public Task WaitForSignalAsync(string name, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => File.Exists(Path.Combine(Signals, name)), timeout ?? TimeSpan.FromSeconds(30), $"the job to signal '{name}'");
}
