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

    /// <summary><c>data</c> saves <c>data/rows.txt</c> with its run's name and prints "made data/rows.txt".</summary>
    public const string Data = """
        workflows:
          - name: data
            provider: bash
            commands:
              - echo "rows by $RUN_NAME" > data/rows.txt
              - echo "made data/rows.txt"
            artifacts: [data]
        """;
}
