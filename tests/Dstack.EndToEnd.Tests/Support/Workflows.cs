namespace Dstack.EndToEnd.Tests.Support;

/// <summary>Workflow files several test classes share.</summary>
public static class Workflows
{
    /// <summary><c>hello</c> prints a line and ends; <c>wait</c> prints "working", signals "started", waits for "go", prints "finished".</summary>
    public static readonly string HelloAndWait = $"""
        workflows:
          - name: hello
            provider: bash
            commands:
              - echo "hello from $RUN_NAME"
          - name: wait
            provider: bash
            commands:
              - echo working
              - {Sandbox.SendSignal("started")}
              - {Sandbox.AwaitSignal("go")}
              - echo finished
        """;
}
