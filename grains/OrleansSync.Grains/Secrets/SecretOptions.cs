using Microsoft.Extensions.Options;

namespace OrleansSync.Secrets;

/// <summary>Section <c>OrleansSync:Secrets</c>: which environment variables a silo may resolve as secrets. Validated at start.</summary>
public sealed class SecretOptions
{
    public const string Section = "OrleansSync:Secrets";

    public const string DefaultPrefix = "ORLEANSSYNC_SECRET_";

    /// <summary>A silo resolves only variables whose names start with this; the silo's own settings never do.</summary>
    public string Prefix { get; set; } = DefaultPrefix;

    /// <summary>
    /// Hosts a project's base URL may name, so the only places secrets go are the upstreams the operator chose
    /// (e.g. <c>developer.api.autodesk.com</c>). Empty: any https host, or plain http to a loopback host.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Declared variables the silo keeps for itself, which no project may name as its client secret: the silo host
    /// adds its HTTP credential's variable here, so nobody who can add a project can send it to a host of theirs.
    /// </summary>
    public List<string> SiloOwn { get; set; } = [];
}

/// <summary>Refuses a prefix that is not a family of variable names, or that would declare one of the silo's own settings.</summary>
public sealed class SecretOptionsValidator : IValidateOptions<SecretOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretOptions options)
    {
        var prefix = options.Prefix;
        if (!DeclaredSecrets.IsVariableName(prefix) || prefix.Length < 4 || !prefix.EndsWith('_'))
        {
            return ValidateOptionsResult.Fail(
                $"OrleansSync:Secrets:Prefix '{prefix}' is not a prefix of variable names: use 4 to 128 letters, digits and '_', ending with '_' (default {SecretOptions.DefaultPrefix}).");
        }

        if (options.AllowedHosts.FirstOrDefault(static h => Uri.CheckHostName(h) == UriHostNameType.Unknown) is { } bad)
        {
            return ValidateOptionsResult.Fail($"OrleansSync:Secrets:AllowedHosts holds '{bad}', which is not a host name: list host names or addresses only, e.g. developer.api.autodesk.com.");
        }

        return DeclaredSecrets.SiloSettingsVariables.FirstOrDefault(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) is { } own
            ? ValidateOptionsResult.Fail($"OrleansSync:Secrets:Prefix '{prefix}' would declare the silo's own setting {own} a project secret: choose a narrower prefix (default {SecretOptions.DefaultPrefix}).")
            : ValidateOptionsResult.Success;
    }
}
