using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

public sealed class ShellQuotingTests
{
    /// <summary>Each case marks the one position of interest with <c>@</c>.</summary>
    [Theory]
    [InlineData("echo @", ShellContext.Code)]
    [InlineData("echo \"a @ b\"", ShellContext.DoubleQuoted)]
    [InlineData("echo 'a @ b'", ShellContext.SingleQuoted)]
    [InlineData("echo \"it's @\"", ShellContext.DoubleQuoted)]
    [InlineData("echo 'say \"@'", ShellContext.SingleQuoted)]
    [InlineData("echo \\\"@", ShellContext.Code)]
    [InlineData("echo \"\\\"@\"", ShellContext.DoubleQuoted)]
    [InlineData("echo \"$(printf @)\"", ShellContext.Code)]
    [InlineData("echo \"$(echo \"in @\")\"", ShellContext.DoubleQuoted)]
    [InlineData("echo \"`echo @`\"", ShellContext.Code)]
    [InlineData("echo `echo '@'`", ShellContext.SingleQuoted)]
    [InlineData("echo \"${X:-@}\"", ShellContext.DoubleQuoted)]
    [InlineData("echo ${X:-@}", ShellContext.Code)]
    [InlineData("echo $'a\\'@'", ShellContext.AnsiCQuoted)]
    [InlineData("echo $(( @ + 1 ))", ShellContext.Arithmetic)]
    [InlineData("echo $(( (1) )) @", ShellContext.Code)]
    [InlineData("echo $(cd x; (ls)) @", ShellContext.Code)]
    [InlineData("echo @ # it's", ShellContext.Code)]
    [InlineData("echo x # it's\necho @", ShellContext.Code)]
    [InlineData("echo a#'b' @", ShellContext.Code)]
    public void ContextsOf_TellsTheQuotingAtAPosition(string command, ShellContext expected)
    {
        var at = command.IndexOf('@');

        ShellQuoting.ContextsOf(command, [(at, at + 1)]).ShouldBe([expected]);
    }

    [Fact]
    public void ContextsOf_SeveralSpans_EachGetsItsOwn() =>
        ShellQuoting.ContextsOf("a @ \"@\" '@'", [(2, 3), (5, 6), (9, 10)])
            .ShouldBe([ShellContext.Code, ShellContext.DoubleQuoted, ShellContext.SingleQuoted]);
}
