using OrleansSync.Pipeline;

namespace OrleansSync.Tests.Resilience;

public sealed class StorableTextTests
{
    [Fact]
    public void Clean_NulAndLoneSurrogates_ReplacedAndStorable()
    {
        var cleaned = StorableText.Clean("quota\0exceeded \uD800 and \uDC00 but 😀 stays");

        Assert.Equal("quota\uFFFDexceeded \uFFFD and \uFFFD but 😀 stays", cleaned);
        Assert.True(StorableText.IsStorable(cleaned));
    }

    [Fact]
    public void Clean_LongText_CutToTheBoundWithAnEllipsisAndNoHalfPair()
    {
        var text = new string('a', 9) + "😀" + new string('b', 50);

        var cleaned = StorableText.Clean(text, maxLength: 10);

        Assert.Equal(new string('a', 9) + "…", cleaned);
        Assert.True(cleaned.Length <= 10);
        Assert.Equal("short", StorableText.Clean("short", maxLength: 10));
        Assert.Same(text, StorableText.Clean(text, maxLength: 100));
    }
}
