using OrleansSync.Secrets;

namespace OrleansSync.Tests.Secrets;

/// <summary>Which variables a silo resolves as secrets, with the default prefix and with one set per silo.</summary>
public sealed class DeclaredSecretsTests
{
    [Fact]
    public void Resolve_CustomPrefix_ResolvesItsFamilyOnlyAndNamesTheRule()
    {
        var name = $"ACME_SECRET_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, "acme-value");
        Environment.SetEnvironmentVariable("ORLEANSSYNC_SECRET_DECLARED_ELSEWHERE", "other-value");
        var secrets = new DeclaredSecrets("ACME_SECRET_");

        Assert.Equal("acme-value", secrets.Resolve(name, "silo-a", "--client-secret-env"));
        var refused = Assert.Throws<InvalidRequestException>(() => secrets.Resolve("ORLEANSSYNC_SECRET_DECLARED_ELSEWHERE", "silo-a", "--client-secret-env"));
        Assert.Contains("ACME_SECRET_", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("other-value", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_DeclaredButUnset_NamesTheVariableAndTheSilo()
    {
        var refused = Assert.Throws<InvalidRequestException>(() => new DeclaredSecrets(SecretOptions.DefaultPrefix).Resolve("ORLEANSSYNC_SECRET_NEVER_SET", "silo-b", "--client-secret-env"));

        Assert.Contains("ORLEANSSYNC_SECRET_NEVER_SET", refused.Message, StringComparison.Ordinal);
        Assert.Contains("silo-b", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ORLEANSSYNC_SECRET_", true)]
    [InlineData("ACME_SECRET_", true)]
    [InlineData("ORLEANSSYNC_", false)]
    [InlineData("ORLEANSSYNC_TLS_", false)]
    [InlineData("orleanssync__", false)]
    [InlineData("DOTNET_", false)]
    [InlineData("SECRET", false)]
    [InlineData("A_", false)]
    [InlineData("", false)]
    public void Validator_Prefix_RefusesOneThatCoversTheSilosOwnSettings(string prefix, bool valid)
    {
        var result = new SecretOptionsValidator().Validate(null, new SecretOptions { Prefix = prefix });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("OrleansSync:Secrets:Prefix", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ParseDestination_AllowedHostsSet_RefusesAnyOtherHostNamingTheSetting()
    {
        var secrets = new DeclaredSecrets(SecretOptions.DefaultPrefix, ["developer.api.autodesk.com"]);

        secrets.ParseDestination("https://Developer.API.autodesk.com", "--base-url");
        var refused = Assert.Throws<InvalidRequestException>(() => secrets.ParseDestination("https://collector.example.net", "--base-url"));
        Assert.Contains("collector.example.net", refused.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansSync:Secrets:AllowedHosts", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidRequestException>(() => secrets.ParseDestination("http://127.0.0.1:18443", "--base-url"));
        // Without the setting, any host the URL rules accept.
        new DeclaredSecrets(SecretOptions.DefaultPrefix).ParseDestination("https://collector.example.net", "--base-url");
        Assert.False(new SecretOptionsValidator().Validate(null, new SecretOptions { AllowedHosts = ["https://x/"] }).Succeeded);
    }

    [Theory]
    [InlineData("https://developer.api.autodesk.com", true)]
    [InlineData("http://127.0.0.1:18443", true)]
    [InlineData("http://localhost:18443", true)]
    [InlineData("http://[::1]:18443", true)]
    [InlineData("http://127.9.9.9:1", true)]
    [InlineData("http://developer.api.autodesk.com", false)]
    [InlineData("http://localhost.example.com", false)]
    [InlineData("https://u:p@developer.api.autodesk.com", false)]
    [InlineData("https://u@developer.api.autodesk.com", false)]
    [InlineData("ftp://developer.api.autodesk.com", false)]
    [InlineData("https://developer.api.autodesk.com/?a=b", false)]
    public void UpstreamBaseUrl_Parse_HttpsOrLoopbackOnlyAndNoCredentials(string url, bool valid)
    {
        var parsed = Record.Exception(() => UpstreamBaseUrl.Parse(url));

        Assert.Equal(valid, parsed is null);
        if (!valid)
        {
            var refused = Assert.IsType<InvalidRequestException>(parsed);
            Assert.StartsWith("--base-url", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("u:p", refused.Message, StringComparison.Ordinal);
        }
    }
}
