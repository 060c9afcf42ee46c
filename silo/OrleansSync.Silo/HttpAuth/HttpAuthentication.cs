using System.Net;
using OrleansSync.Secrets;
using OrleansSync.Silo.Hosting;

namespace OrleansSync.Silo.HttpAuth;

/// <summary>
/// Puts the HTTP credential in front of the silo's endpoints (see <see cref="HttpAuthMiddleware"/>) when
/// <c>OrleansSync:Http:AuthSecretVariable</c> names one, whatever the bind address; refuses to start a silo whose HTTP
/// endpoints would be reachable beyond this machine without one.
/// </summary>
public static partial class HttpAuthentication
{
    public const string Flag = "--http-auth-secret-env";

    /// <summary>Shorter credentials are refused: the endpoints may face a network, and Basic has no lock-out.</summary>
    public const int MinimumCredentialLength = 16;

    private const string Setting = "OrleansSync:Http:AuthSecretVariable";

    /// <summary>Keeps the credential's variable from projects (<see cref="SecretOptions.SiloOwn"/>): a project names its own.</summary>
    public static void ReserveCredential(WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection(HttpAuthOptions.Section).Get<HttpAuthOptions>()?.AuthSecretVariable is { Length: > 0 } variable)
        {
            builder.Services.PostConfigure<SecretOptions>(o => o.SiloOwn.Add(variable));
        }
    }

    /// <summary>Adds the credential check to <paramref name="app"/>'s pipeline; returns why the silo must not start, or null.</summary>
    /// <remarks>Messages name variables and settings, never a variable's value.</remarks>
    public static string? Use(WebApplication app, SyncSiloOptions settings)
    {
        var options = app.Configuration.GetSection(HttpAuthOptions.Section).Get<HttpAuthOptions>() ?? new HttpAuthOptions();
        var secrets = app.Services.GetRequiredService<DeclaredSecrets>();
        if (string.IsNullOrEmpty(options.AuthSecretVariable))
        {
            return IPAddress.IsLoopback(IPAddress.Parse(settings.HttpHost))
                ? null
                : $"--http-host {settings.HttpHost} is not a loopback address, so /dashboard and /metrics would answer anyone who reaches it: " +
                  $"export the credential in a variable whose name starts with {secrets.Prefix} (a declared secret, OrleansSync:Secrets:Prefix), " +
                  $"e.g. {secrets.Prefix}HTTP, and pass its name with {Flag} {secrets.Prefix}HTTP (or set {Setting}); or keep --http-host 127.0.0.1.";
        }

        if (string.IsNullOrWhiteSpace(options.AuthUser) || options.AuthUser.Contains(':', StringComparison.Ordinal))
        {
            return $"OrleansSync:Http:AuthUser must be a user name without ':' (default {HttpAuthOptions.DefaultUser}).";
        }

        string secret;
        try
        {
            secret = secrets.ResolveOwn(options.AuthSecretVariable, settings.EffectiveName, $"{Flag} or {Setting}");
        }
        catch (InvalidRequestException e)
        {
            return e.Message;
        }

        if (secret.Length < MinimumCredentialLength)
        {
            return $"The HTTP credential in {options.AuthSecretVariable} ({Flag}) is shorter than {MinimumCredentialLength} characters: " +
                   "export a longer random value, e.g. from `openssl rand -hex 24`.";
        }

        var credential = new HttpCredential(options.AuthUser, secret);
        var user = options.AuthUser;
        app.Use(next => new HttpAuthMiddleware(next, credential, user).InvokeAsync);
        LogInformationCredentialRequired(app.Logger, options.AuthSecretVariable, user);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP endpoints other than /health need the credential in {Variable}: Bearer, or Basic as user {User}")]
    private static partial void LogInformationCredentialRequired(ILogger logger, string variable, string user);
}
