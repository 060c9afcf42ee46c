namespace OrleansSync.Silo.HttpAuth;

/// <summary>Section <c>OrleansSync:Http</c>: who may read the silo's HTTP endpoints besides health.</summary>
public sealed class HttpAuthOptions
{
    public const string Section = "OrleansSync:Http";

    public const string DefaultUser = "orleanssync";

    /// <summary>
    /// The name of a declared secret variable (see <c>OrleansSync:Secrets:Prefix</c>) whose value is the credential; the
    /// silo flag <c>--http-auth-secret-env</c>. Unset: no credential, which only a loopback <c>--http-host</c> allows.
    /// </summary>
    public string? AuthSecretVariable { get; set; }

    /// <summary>The user name HTTP Basic takes with the credential as its password.</summary>
    public string AuthUser { get; set; } = DefaultUser;
}
