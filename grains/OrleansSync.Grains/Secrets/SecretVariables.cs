using System.Text.RegularExpressions;

namespace OrleansSync.Secrets;

/// <summary>
/// Client secrets are resolved by name from each silo's environment when a task runs; the cluster only ever
/// stores and passes the variable's name. Documented in README ("Secrets").
/// </summary>
public static partial class SecretVariables
{
    /// <summary>Throws <see cref="InvalidRequestException"/> unless <paramref name="name"/> is a plausible variable name.</summary>
    public static void ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new InvalidRequestException(
                $"'{name}' is not an environment variable name: use letters, digits and '_' (e.g. ACC_CLIENT_SECRET), not the secret itself.");
        }
    }

    /// <summary>The secret, or an <see cref="InvalidRequestException"/> naming the variable and the silo that lacks it.</summary>
    public static string Resolve(string name, string siloName)
    {
        ValidateName(name);
        return Environment.GetEnvironmentVariable(name) is { Length: > 0 } secret
            ? secret
            : throw new InvalidRequestException(
                $"The client secret variable {name} is not set on silo {siloName}: export it in every silo's environment (deploy/local/up.sh passes the caller's environment on).");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex NamePattern();
}
