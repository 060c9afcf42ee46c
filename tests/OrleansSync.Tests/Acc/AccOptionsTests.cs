using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Tests.Acc;

public sealed class AccOptionsTests
{
    private static readonly AccConnection Nowhere = new(new Uri("http://127.0.0.1:9/"), "client", "secret");

    [Theory]
    [InlineData("BodyTimeout", "00:00:00")]
    [InlineData("BodyTimeout", "02:00:00")]
    [InlineData("MaxBodyBytes", "100")]
    [InlineData("MaxBodyBytes", "2147483647")]
    [InlineData("MalformedRetries", "-1")]
    [InlineData("MalformedRetries", "11")]
    public async Task AddAccSource_BodyOptionOutOfRange_FailsValidation(string option, string value)
    {
        await using var host = AccTestHost.Start(Nowhere, new Dictionary<string, string> { [option] = value });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AccSourceOptions>>().Value);

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAccSource_NoBodySettings_BoundsBodiesByDefault()
    {
        await using var host = AccTestHost.Start(Nowhere);

        var options = host.Services.GetRequiredService<IOptions<AccSourceOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(30), options.BodyTimeout);
        Assert.Equal(16 * 1024 * 1024, options.MaxBodyBytes);
        Assert.Equal(2, options.MalformedRetries);
    }
}
