using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansSync.Secrets;
using OrleansSync.Silo.Hosting;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Silo;

/// <summary>
/// The HTTP endpoints' credential, on real silo processes bound to every address (0.0.0.0, not loopback) and reached
/// on 127.0.0.1: without a credential such a silo does not start; with one, everything but health needs it.
/// </summary>
public sealed class HttpAuthTests
{
    private const string Variable = "ORLEANSSYNC_SECRET_HTTP_TEST";

    [Fact]
    public async Task AddOrleansSyncSilo_WithCredential_NoProjectMayNameItsVariable()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OrleansSync:Http:AuthSecretVariable"] = Variable });
        builder.AddOrleansSyncSilo(new SyncSiloOptions());
        await using var app = builder.Build();
        var secrets = app.Services.GetRequiredService<DeclaredSecrets>();
        Environment.SetEnvironmentVariable(Variable, "credential-for-the-reservation-test");

        var refused = Assert.Throws<InvalidRequestException>(() => secrets.Resolve(Variable, "silo-test", "--client-secret-env"));
        Assert.Contains("keeps for itself", refused.Message, StringComparison.Ordinal);
        Assert.Equal("credential-for-the-reservation-test", secrets.ResolveOwn(Variable, "silo-test", "--http-auth-secret-env"));
    }

    [Theory]
    [InlineData(null, null, "--http-auth-secret-env ORLEANSSYNC_SECRET_HTTP")]
    [InlineData("ORLEANSSYNC_HTTP_TEST_UNDECLARED", "undeclared-credential-value-0123", "not a declared secret")]
    [InlineData("ORLEANSSYNC_SECRET_HTTP_TEST_UNSET", null, "is not set")]
    [InlineData("ORLEANSSYNC_SECRET_HTTP_TEST_SHORT", "short-value", "shorter than 16")]
    public async Task Start_NonLoopbackWithoutUsableCredential_ExitsTwoSayingWhatToSet(string? variable, string? value, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = Directory.CreateTempSubdirectory("orleanssync-httpauth-");
        try
        {
            var environment = new Dictionary<string, string?>();
            string[] arguments = ["--http-host", "0.0.0.0"];
            if (variable is not null)
            {
                arguments = [.. arguments, "--http-auth-secret-env", variable];
                if (value is not null)
                {
                    environment[variable] = value;
                }
            }

            // The silo refuses before it touches PostgreSQL, so no database is needed.
            await using var silo = SiloProcess.Start("silo-open", "Host=127.0.0.1;Port=1;Database=none;Username=none", "httpauth-test", logs.FullName, environment, arguments);

            await silo.ExitedAsync(TimeSpan.FromSeconds(60), "the silo to refuse its HTTP settings and exit", ct);

            var log = silo.LogTail(20);
            Assert.Equal(2, silo.ExitCode);
            Assert.Contains("error: ", log, StringComparison.Ordinal);
            Assert.Contains(expected, log, StringComparison.Ordinal);
            Assert.Contains("ORLEANSSYNC_SECRET_", log, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
            if (value is not null)
            {
                Assert.DoesNotContain(value, log, StringComparison.Ordinal);
            }
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Endpoints_CredentialConfigured_NeedItExceptHealth()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await using var database = await TestDatabase.CreateAsync(migrate: true, ct);
        var logs = Directory.CreateTempSubdirectory("orleanssync-httpauth-");
        try
        {
            await using var silo = SiloProcess.Start(
                "silo-http", database.ConnectionString, "httpauth-test", logs.FullName,
                new Dictionary<string, string?> { [Variable] = secret }, ["--http-host", "0.0.0.0", "--http-auth-secret-env", Variable]);
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
            await Eventually.UntilAsync(
                async () => silo.HasExited
                    ? throw new InvalidOperationException($"The silo exited {silo.ExitCode}: {silo.LogTail()}")
                    : await TryStatusAsync(http, "/health/ready", null, ct) == HttpStatusCode.OK,
                TimeSpan.FromSeconds(60), "the silo to be ready", ct);

            var bearer = new AuthenticationHeaderValue("Bearer", secret);
            var basic = Basic("orleanssync", secret);
            // The wrong bearer differs in its last character, whatever the random secret ends with.
            var wrongBearer = secret[..^1] + (secret[^1] == '0' ? "1" : "0");
            AuthenticationHeaderValue?[] refused = [null, new("Bearer", wrongBearer), Basic("orleanssync", secret + "x"), Basic("admin", secret), new("Bearer", "")];
            foreach (var path in new[] { "/dashboard", "/dashboard/version", "/dashboard/ClusterStats", "/metrics", "/api/v1/projects", "/openapi/v1.json" })
            {
                foreach (var authorization in refused)
                {
                    using var refusal = await SendAsync(http, path, authorization, ct);
                    Assert.True(refusal.StatusCode == HttpStatusCode.Unauthorized, $"{path} with '{authorization?.Scheme}' answered {refusal.StatusCode}");
                    Assert.Equal("Basic realm=\"OrleansSync\", charset=\"UTF-8\"", refusal.Headers.WwwAuthenticate.ToString());
                    Assert.Equal("application/problem+json", refusal.Content.Headers.ContentType?.MediaType);
                    using var problem = JsonDocument.Parse(await refusal.Content.ReadAsStringAsync(ct));
                    Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
                    Assert.DoesNotContain(secret, problem.RootElement.GetRawText(), StringComparison.Ordinal);
                }
            }

            // The dashboard's page is /dashboard/ (/dashboard redirects there).
            foreach (var path in new[] { "/dashboard/", "/dashboard/version", "/metrics" })
            {
                foreach (var authorization in new[] { bearer, basic })
                {
                    using var answer = await SendAsync(http, path, authorization, ct);
                    Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{path} with {authorization.Scheme} answered {answer.StatusCode}");
                }
            }

            using (var metrics = await SendAsync(http, "/metrics", bearer, ct))
            {
                Assert.Contains("# TYPE ", await metrics.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
            }

            foreach (var path in new[] { "/health/live", "/health", "/health/ready" })
            {
                Assert.Equal(HttpStatusCode.OK, await TryStatusAsync(http, path, null, ct));
            }

            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(silo.LogPath, ct), StringComparison.Ordinal);
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, AuthenticationHeaderValue? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request, ct);
    }

    private static async Task<HttpStatusCode?> TryStatusAsync(HttpClient http, string path, AuthenticationHeaderValue? authorization, CancellationToken ct)
    {
        try
        {
            using var response = await SendAsync(http, path, authorization, ct);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
