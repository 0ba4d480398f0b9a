using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

public class WorkflowTemplateTests
{
    [Theory]
    [InlineData("echo ${{ run.name }}", "echo fast-fox-1")]
    [InlineData("echo ${{run.name}}", "echo fast-fox-1")]
    [InlineData("echo ${{  run.args  }}", "echo --epochs 3")]
    [InlineData("${{ run.name }}/${{ run.name }}", "fast-fox-1/fast-fox-1")]
    public void Render_KnownExpressions_AreReplacedWithOrWithoutSpaces(string text, string expected) =>
        WorkflowTemplate.Render(text, "fast-fox-1", ["--epochs", "3"]).ShouldBe(expected);

    [Theory]
    [InlineData("echo ${#x}")]
    [InlineData("{% raw %} {# note #}")]
    [InlineData("echo ${HOME} $(date) $PATH {{ x }}")]
    [InlineData("${ { run.name }}")]
    public void Render_ShellAndJinjaLookalikes_AreLeftExactlyAlone(string text) =>
        WorkflowTemplate.Render(text, "run", ["a"]).ShouldBe(text);

    [Fact]
    public void Render_ArgsWithSpacesAndQuotes_AreQuotedSoTheShellSeesTheOriginalTokens()
    {
        var rendered = WorkflowTemplate.Render("python train.py ${{ run.args }}", "r", ["--name", "my model", "it's", "$HOME", "a=b,c"]);

        rendered.ShouldBe(@"python train.py --name 'my model' 'it'\''s' '$HOME' a=b,c");
    }

    [Fact]
    public void Render_EmptyArg_BecomesAnEmptyQuotedString() =>
        WorkflowTemplate.Render("x ${{ run.args }}", "r", ["", "b"]).ShouldBe("x '' b");

    [Fact]
    public void Render_NoArgs_GivesAnEmptyString() =>
        WorkflowTemplate.Render("train ${{ run.args }}", "r", []).ShouldBe("train ");

    [Fact]
    public void Render_UnknownExpression_NamesItAndTheKnownOnes()
    {
        var error = Should.Throw<WorkflowException>(() => WorkflowTemplate.Render("echo ${{ run.id }}", "r", []));

        error.Message.ShouldBe("unknown expression '${{ run.id }}'; known expressions: ${{ run.name }}, ${{ run.args }}");
    }

    [Fact]
    public void Render_Spec_RendersCommandsBeforeRunEnvWorkingDirAndArtifacts()
    {
        var spec = WorkflowLoader.Parse(".dstack/workflows.yaml", """
            workflows:
              - name: train
                provider: bash
                help: ${{ run.name }} stays
                setup:
                  - echo setup ${{ run.name }}
                commands:
                  - python train.py ${{ run.args }}
                env:
                  - RUN=${{ run.name }}
                  - ARGS=${{ run.args }}
                working_dir: runs/${{ run.name }}
                artifacts:
                  - path: out/${{ run.name }}
                    mount: true
            """).All[0];

        var rendered = WorkflowTemplate.Render(spec, "r1", ["--lr", "0.1 0.2", "$x"]);

        rendered.BeforeRun.ShouldBe(["echo setup r1"]);
        rendered.Commands.ShouldBe(["python train.py \"$@\""], "commands refer to the arguments the script's preamble sets");
        rendered.Env.ShouldBe(["RUN=r1", "ARGS=--lr '0.1 0.2' '$$x'"], "in env an argument's $ stays literal");
        rendered.WorkingDir.ShouldBe("runs/r1");
        rendered.Artifacts.ShouldBe([new ArtifactSpec("out/r1", Mount: true)]);
        rendered.Help.ShouldBe("${{ run.name }} stays");
        spec.Commands.ShouldBe(["python train.py ${{ run.args }}"]);
    }

    [Fact]
    public void Render_SpecWithUnknownExpression_PointsAtTheProperty()
    {
        var spec = WorkflowLoader.Parse(".dstack/workflows.yaml",
            "workflows:\n  - name: a\n    provider: bash\n    commands:\n      - echo ${{ secrets.token }}\n").All[0];

        Should.Throw<WorkflowException>(() => WorkflowTemplate.Render(spec, "r", []))
            .Message.ShouldStartWith(".dstack/workflows.yaml:4:5: unknown expression '${{ secrets.token }}'");
    }
}
