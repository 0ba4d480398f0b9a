using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dstack.Core.Workflows;

/// <summary>
/// Passes YAML events through, and stops at the first list or mapping nested deeper than <see cref="MaxDepth"/>:
/// building the node tree recurses once per level, and 100,000 nested '[' overflowed the stack.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner, string file) : IParser
{
    public const int MaxDepth = 64;

    private int _depth;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        switch (inner.Current)
        {
            case MappingStart or SequenceStart when ++_depth > MaxDepth:
                throw WorkflowException.TooDeep(new(file, (int)inner.Current.Start.Line, (int)inner.Current.Start.Column), MaxDepth);
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }
        return true;
    }
}
