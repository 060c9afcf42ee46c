using System.Text.RegularExpressions;

namespace OrleansSync.Secrets;

/// <summary>
/// Secrets are resolved by name from each silo's environment when they are needed; the cluster only ever stores and
/// passes the variable's name. Only declared variables resolve: names that start with the silo's
/// <see cref="SecretOptions.Prefix"/>, so nobody who can add a project can have a silo send out <c>ORLEANSSYNC_PG</c>,
/// <c>PATH</c> or any other variable of its environment. Documented in README ("Secrets").
/// </summary>
/// <param name="prefix">See <see cref="SecretOptions.Prefix"/>.</param>
/// <param name="allowedHosts">See <see cref="SecretOptions.AllowedHosts"/>.</param>
/// <param name="siloOwn">See <see cref="SecretOptions.SiloOwn"/>.</param>
public sealed partial class DeclaredSecrets(string prefix, IReadOnlyCollection<string>? allowedHosts = null, IReadOnlyCollection<string>? siloOwn = null)
{
    private readonly HashSet<string> _allowedHosts = new(allowedHosts ?? [], StringComparer.OrdinalIgnoreCase);

    private readonly HashSet<string> _siloOwn = new(siloOwn ?? [], StringComparer.Ordinal);

    /// <summary>Variables (and, case-insensitively, configuration-variable prefixes) a secret prefix may never cover.</summary>
    public static IReadOnlyList<string> SiloSettingsVariables { get; } =
    [
        "ORLEANSSYNC_PG", "ORLEANSSYNC_CLUSTER_ID", "ORLEANSSYNC_SERVICE_ID",
        "ORLEANSSYNC_TLS_CERT", "ORLEANSSYNC_TLS_CERT_PASSWORD", "ORLEANSSYNC_TLS_CA",
        "ORLEANSSYNC__", "DOTNET_", "ASPNETCORE_",
    ];

    public string Prefix => prefix;

    public static bool IsVariableName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>
    /// Throws <see cref="InvalidRequestException"/> unless <paramref name="name"/> is a declared secret a project may
    /// use: one of the silo's own (<see cref="SecretOptions.SiloOwn"/>) would go wherever the project's base URL points.
    /// </summary>
    /// <remarks>A refused name is not echoed: it may be the secret itself, pasted where its variable's name belongs.</remarks>
    public void ValidateName(string name, string where)
    {
        ValidateDeclared(name, where);
        if (_siloOwn.Contains(name))
        {
            throw new InvalidRequestException(
                $"{where} names a variable the silo keeps for itself (its HTTP credential): a project's secret must be a declared variable of its own, e.g. {prefix}ACC.");
        }
    }

    /// <summary>A project's secret: <see cref="ValidateName"/>, then the variable, or an <see cref="InvalidRequestException"/> naming the variable and the silo that lacks it.</summary>
    public string Resolve(string name, string siloName, string where)
    {
        ValidateName(name, where);
        return Read(name, siloName, where);
    }

    /// <summary>One of the silo's own secrets (its HTTP credential): declared, but kept from projects.</summary>
    public string ResolveOwn(string name, string siloName, string where)
    {
        ValidateDeclared(name, where);
        return Read(name, siloName, where);
    }

    private void ValidateDeclared(string name, string where)
    {
        if (!IsVariableName(name))
        {
            throw new InvalidRequestException(
                $"{where} takes the name of the environment variable that holds the secret (letters, digits and '_', e.g. {prefix}ACC), not the secret itself.");
        }

        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length)
        {
            throw new InvalidRequestException(
                $"{where} names a variable that is not a declared secret: silos resolve only variables whose names start with {prefix} " +
                $"(OrleansSync:Secrets:Prefix). Export the secret on every silo as e.g. {prefix}ACC and pass that name.");
        }
    }

    /// <summary>
    /// Where this silo may send a secret: <paramref name="baseUrl"/> parsed by <see cref="UpstreamBaseUrl.Parse"/>
    /// (https, or http to loopback, no credentials), and, when <see cref="SecretOptions.AllowedHosts"/> is set, one
    /// of its hosts; otherwise an <see cref="InvalidRequestException"/> naming <paramref name="where"/>.
    /// </summary>
    public Uri ParseDestination(string baseUrl, string where)
    {
        var url = UpstreamBaseUrl.Parse(baseUrl, where);
        if (_allowedHosts.Count > 0 && !_allowedHosts.Contains(url.IdnHost))
        {
            throw new InvalidRequestException(
                $"{where} points at {url.IdnHost}, a host this silo sends no secrets to: OrleansSync:Secrets:AllowedHosts lists " +
                $"{string.Join(", ", _allowedHosts.Order(StringComparer.OrdinalIgnoreCase))}. Use one of those, or add the host to that setting on every silo.");
        }

        return url;
    }

    private static string Read(string name, string siloName, string where) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } secret
            ? secret
            : throw new InvalidRequestException(
                $"The secret variable {name} ({where}) is not set on silo {siloName}: export it in every silo's environment (deploy/local/up.sh passes the caller's environment on).");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex NamePattern();
}
