using Dstack.Core.Errors;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

public class MemorySizeTests
{
    [Theory]
    [InlineData("16GB", 16_000_000_000L)]
    [InlineData("16G", 16_000_000_000L)]
    [InlineData("512MB", 512_000_000L)]
    [InlineData("2TB", 2_000_000_000_000L)]
    [InlineData("16GiB", 16L << 30)]
    [InlineData("16Gi", 16L << 30)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("8gb", 8_000_000_000L)]
    [InlineData("8 gib", 8L << 30)]
    [InlineData("1.5GB", 1_500_000_000L)]
    public void Parse_DecimalAndBinaryUnits_GiveBytes(string text, long bytes) =>
        MemorySize.Parse(text).ShouldBe(bytes);

    [Theory]
    [InlineData("16XB", "invalid memory size '16XB': unknown memory unit 'XB'; use MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 16GB")]
    [InlineData("16", "invalid memory size '16': missing memory unit; use MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 16GB")]
    [InlineData("GB", "invalid memory size 'GB': expected a number and a unit, e.g. 16GB")]
    [InlineData("-1GB", "invalid memory size '-1GB': expected a number and a unit, e.g. 16GB")]
    [InlineData("999999999999999TiB", "invalid memory size '999999999999999TiB': the size is too large")]
    public void Parse_BadSize_ExplainsWhatIsAccepted(string text, string message) =>
        Should.Throw<DstackException>(() => MemorySize.Parse(text)).Message.ShouldBe(message);
}
