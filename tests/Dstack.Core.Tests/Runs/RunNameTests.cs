using Dstack.Core.Errors;
using Dstack.Core.Runs;

namespace Dstack.Core.Tests.Runs;

public sealed class RunNameTests
{
    [Theory]
    [InlineData("wet-fox-1")]
    [InlineData("my_run.2")]
    public void Validate_AStoreSafeName_ReturnsIt(string name) => RunName.Validate(name).ShouldBe(name);

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../other")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("wet fox")]
    [InlineData("x\ny")]
    [InlineData(".hidden")]
    public void Validate_ANameThatIsNotOneKeySegment_IsAnInvalidRunName(string name)
    {
        var error = Should.Throw<DstackException>(() => RunName.Validate(name));

        error.Message.ShouldStartWith("Invalid run name '");
        error.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Validate_AHugeName_QuotesOnlyItsStart()
    {
        var error = Should.Throw<DstackException>(() => RunName.Validate(new string('x', 5000) + "/"));

        error.Message.Length.ShouldBeLessThan(300);
    }
}
