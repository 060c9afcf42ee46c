using System.Text.Json;
using Npgsql;
using OrleansSync.Client.Connection;
using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tls;

namespace OrleansSync.Tests.Security;

/// <summary>
/// Secrets live in each silo's environment only. After a sync that lands bad records and renews tokens, a sync that
/// fails on a wrong secret and a project refused for a password in its URL, none of the client secrets, the URL's
/// password, the silos' own PostgreSQL password, their HTTP credential or the TLS certificates' password (the
/// cluster runs mutual TLS) is anywhere a user or a stranger could read: silo logs, CLI output
/// (errors included), any table of the database (mirrors, sync bookkeeping, Orleans' membership, grain state and
/// reminders), <c>/metrics</c>, <c>/health</c> and the dashboard's pages and JSON (grain state included).
/// </summary>
public sealed class SecretLeakTests
{
    private const string ClientId = "leak-test-client";
    private const string SecretVariable = "ORLEANSSYNC_SECRET_LEAK_TEST";
    private const string WrongSecretVariable = "ORLEANSSYNC_SECRET_LEAK_WRONG";
    private const string HttpSecretVariable = "ORLEANSSYNC_SECRET_LEAK_HTTP";

    [Fact]
    public async Task SyncsFailuresAndRefusals_NoSecretAppearsAnywhere()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = $"s3cret-{Guid.NewGuid():N}";
        var wrongSecret = $"wr0ng-{Guid.NewGuid():N}";
        var urlPassword = $"urlpw-{Guid.NewGuid():N}";
        var pgPassword = $"pgpw-{Guid.NewGuid():N}";
        var httpSecret = $"httpcred-{Guid.NewGuid():N}";
        var pgRole = $"ost_leak_{Guid.NewGuid():N}"[..24];
        var needles = new Needles();
        needles.Add("client secret", secret, ClientId);
        needles.Add("wrong client secret", wrongSecret, ClientId);
        needles.Add("URL password", urlPassword);
        needles.Add("PostgreSQL password", pgPassword);
        needles.Add("HTTP credential", httpSecret, "orleanssync");

        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 31, Projects = 2, ReviewsPerProject = 30, WorkflowsPerProject = 3 },
                Clients = [new EmulatorClient(ClientId, secret)],
                RateLimits = RateLimitOptions.Unlimited,
                // Malformed records and expiring tokens put text in logs and tables: none of it may carry a secret.
                Faults = new FaultSettings { MalformedRate = 0.1, TokenTtlSeconds = 2 },
            },
            ct);
        var tlsDirectory = Directory.CreateTempSubdirectory("orleanssync-leak-tls-");
        var tls = await TlsMaterial.MakeAsync(tlsDirectory.FullName, ct);
        needles.Add("TLS certificate password", tls.Password);
        await PostgresServer.CreateLoginRoleAsync(pgRole, pgPassword, new NpgsqlConnectionStringBuilder(TestDatabase.Server).Username!, ct);
        try
        {
            await using var cluster = await ProcessCluster.StartAsync(
                silos: 2,
                ct,
                new Dictionary<string, string?>(tls.SiloEnvironment())
                {
                    [SecretVariable] = secret,
                    [WrongSecretVariable] = wrongSecret,
                    [HttpSecretVariable] = httpSecret,
                    ["OrleansSync__Http__AuthSecretVariable"] = HttpSecretVariable,
                    ["OrleansSync__Tasks__RetryBaseDelay"] = "00:00:00.200",
                },
                siloLogin: (pgRole, pgPassword));
            var cli = tls.ClientEnvironment(cluster.CliEnvironment());
            cli["ORLEANSSYNC_PG"] = cluster.SiloConnectionString;
            var client = cluster.ClientSettings() with { Tls = new TlsSettings { CertificatePath = tls.ClientCertificate, CertificatePassword = tls.Password, CaPath = tls.Ca } };
            var (outputs, taskIds) = await DriveAsync(client, cli, emulator, urlPassword, ct);

            var findings = new List<string>();
            foreach (var (what, text) in outputs)
            {
                findings.AddRange(needles.FoundIn(text).Select(n => $"{n} in {what}"));
            }

            foreach (var silo in cluster.Silos)
            {
                findings.AddRange(needles.FoundIn(await File.ReadAllTextAsync(silo.LogPath, ct)).Select(n => $"{n} in the log of {silo.Name}"));
                foreach (var (path, body) in await ReadHttpAsync(silo, httpSecret, emulator.ProjectIds, taskIds, ct))
                {
                    findings.AddRange(needles.FoundIn(body).Select(n => $"{n} in {silo.Name} {path}"));
                }
            }

            var (tables, inDatabase) = await ScanDatabaseAsync(cluster.Database, needles, ct);
            findings.AddRange(inDatabase);

            Assert.True(findings.Count == 0, string.Join("; ", findings));
            // The scan reached every kind of table, and it would have seen a planted value: the variable's name is in
            // the project's grain state, which is binary.
            Assert.Superset(
                new HashSet<string> { "sync.progress", "sync.runs", "sync.checkpoints", "sync.dead_letters", "acc.reviews", "acc.review_versions", "public.orleansstorage", "public.orleansmembershiptable", "public.orleansreminderstable", "public.orleansmembershipversiontable", "public.orleansquery" },
                tables.ToHashSet());
            var control = new Needles();
            control.Add("the variable's name", SecretVariable);
            var (_, namesFound) = await ScanDatabaseAsync(cluster.Database, control, ct);
            Assert.Contains(namesFound, static f => f.Contains("public.orleansstorage", StringComparison.Ordinal));
        }
        finally
        {
            await PostgresServer.DropRoleAsync(pgRole, CancellationToken.None);
            tlsDirectory.Delete(recursive: true);
        }
    }

    /// <summary>Adds, syncs, fails and refuses through the CLI (and a refusal past it); returns every output by what printed it.</summary>
    private static async Task<(List<(string What, string Text)> Outputs, List<string> TaskIds)> DriveAsync(
        ClientSettings client, Dictionary<string, string> cli, AccEmulator emulator, string urlPassword, CancellationToken ct)
    {
        var outputs = new List<(string, string)>();
        // Every command must end as expected and print something: an empty failing output would pass any leak scan.
        async Task<Infrastructure.Cli.Result> ExpectAsync(int exitCode, params string[] args)
        {
            var result = await Infrastructure.Cli.RunAsync(cli, ct, args);
            var command = $"'orleanssync {string.Join(' ', args)}'";
            Assert.True(result.ExitCode == exitCode, $"{command} exited {result.ExitCode}, not {exitCode}: {result.StdErr}");
            Assert.False(string.IsNullOrWhiteSpace(result.StdOut + result.StdErr), $"{command} printed nothing");
            outputs.Add((command, result.StdOut + result.StdErr));
            return result;
        }

        Task<Infrastructure.Cli.Result> RunAsync(params string[] args) => ExpectAsync(0, args);

        var (good, wrong) = (emulator.ProjectIds[0], emulator.ProjectIds[1]);
        var url = emulator.BaseUrl.AbsoluteUri;
        await RunAsync("project", "add", good, "--base-url", url, "--client-id", ClientId, "--client-secret-env", SecretVariable, "--user-id", "u1");
        await RunAsync("project", "add", wrong, "--base-url", url, "--client-id", ClientId, "--client-secret-env", WrongSecretVariable, "--user-id", "u1");
        var withPassword = $"http://{ClientId}:{urlPassword}@{emulator.BaseUrl.Authority}";
        await ExpectAsync(2, "project", "add", "p-url-password", "--base-url", withPassword, "--client-id", ClientId, "--client-secret-env", SecretVariable);
        await using (var connection = await ClusterConnection.ConnectAsync(client, verbose: false, ct))
        {
            // Past the CLI: the silo refuses it too, and neither its log nor the error carries the password.
            var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => connection.Client.GetGrain<IProjectGrain>("p-url-password")
                .ConfigureAsync(new ProjectSpec("p-url-password", "acc", withPassword, ClientId, SecretVariable, null, [], null), ct));
            outputs.Add(("the grain's refusal", refused.ToString()));
        }

        await RunAsync("sync", good, "--wait");
        await ExpectAsync(1, "sync", wrong, "--wait");
        foreach (var project in new[] { good, wrong })
        {
            await RunAsync("project", "show", project);
            await RunAsync("project", "show", project, "--json");
        }

        await RunAsync("project", "list", "--json");
        await RunAsync("deadletter", "list", "--json");
        await RunAsync("cluster", "--json");
        await RunAsync("cluster");
        var list = await RunAsync("task", "list", "--json");
        using var listed = JsonDocument.Parse(list.StdOut);
        var tasks = TaskIds(listed.RootElement).Distinct().ToList();
        Assert.True(tasks.Count >= 5, list.StdOut);
        // Every task as JSON (all a view holds); as text, the failing project's, whose errors are where a secret
        // would slip into a rendering of its own.
        foreach (var task in tasks)
        {
            await RunAsync("task", "show", task, "--json");
            if (task.StartsWith($"{wrong}:", StringComparison.Ordinal))
            {
                await RunAsync("task", "show", task);
            }
        }

        return (outputs, tasks);
    }

    private static IEnumerable<string> TaskIds(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().SelectMany(TaskIds),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(static p =>
            p.Name == "taskId" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : TaskIds(p.Value)),
        _ => [],
    };

    /// <summary>Every page and JSON document the silo's HTTP port serves that could show state: metrics, health, the dashboard, the API, its event feed and the status page.</summary>
    private static async Task<List<(string Path, string Body)>> ReadHttpAsync(
        SiloProcess silo, string credential, IReadOnlyList<string> projects, IReadOnlyList<string> tasks, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credential);
        var counters = await http.GetStringAsync("/dashboard/DashboardCounters", ct);
        var addresses = JsonDocument.Parse(counters).RootElement.GetProperty("hosts").EnumerateArray().Select(static h => h.GetProperty("siloAddress").GetString()!).ToList();
        var paths = new List<string>
        {
            "/metrics", "/health", "/health/ready", "/health/live", "/dashboard/", "/dashboard/index.min.js", "/dashboard/DashboardCounters", "/dashboard/ClusterStats",
            "/dashboard/Reminders", "/dashboard/TopGrainMethods", "/dashboard/GrainTypes", "/dashboard/LifecycleStages",
            "/dashboard/GrainStats/OrleansSync.Projects.ProjectGrain", "/dashboard/GrainStats/OrleansSync.Tasks.SyncTaskGrain",
        };
        paths.AddRange(addresses.SelectMany(static a => new[] { "SiloProperties", "SiloMetadata", "SiloStats", "SiloCounters", "HistoricalStats" }.Select(p => $"/dashboard/{p}/{Uri.EscapeDataString(a)}")));
        paths.AddRange(projects.Select(static p => $"/dashboard/GrainState?grainId={Uri.EscapeDataString(p)}&grainType=OrleansSync.Projects.ProjectGrain"));
        paths.AddRange(tasks.Select(static t => $"/dashboard/GrainState?grainId={Uri.EscapeDataString(t)}&grainType=OrleansSync.Tasks.SyncTaskGrain"));
        // The HTTP API and the status page.
        paths.AddRange(["/", "/status.js", "/openapi/v1.json", "/api/v1/projects", "/api/v1/tasks?limit=10000", "/api/v1/deadletters?resolved=true&limit=10000", "/api/v1/cluster?all=true"]);
        paths.AddRange(projects.SelectMany(static p => new[] { $"/api/v1/projects/{Uri.EscapeDataString(p)}", $"/api/v1/projects/{Uri.EscapeDataString(p)}/runs?limit=1000" }));
        paths.AddRange(tasks.Select(static t => $"/api/v1/tasks/{Uri.EscapeDataString(t)}"));
        foreach (var project in projects)
        {
            using var runs = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/projects/{Uri.EscapeDataString(project)}/runs?limit=1000", ct));
            paths.AddRange(runs.RootElement.EnumerateArray().Select(static r => $"/api/v1/runs/{Uri.EscapeDataString(r.GetProperty("runId").GetString()!)}"));
        }

        var pages = new List<(string, string)> { ("/dashboard/DashboardCounters", counters) };
        foreach (var path in paths)
        {
            using var response = await http.GetAsync(path, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.IsSuccessStatusCode || path.StartsWith("/health", StringComparison.Ordinal), $"{silo.Name} {path}: {(int)response.StatusCode} {body}");
            pages.Add((path, body));
        }

        // The event feed: every event the silo still keeps, replayed from the first; read for a bounded time, as a stream never ends.
        using var replay = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events") { Headers = { { "Last-Event-ID", "0" } } };
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        reading.CancelAfter(TimeSpan.FromSeconds(3));
        var feed = new System.Text.StringBuilder();
        try
        {
            using var stream = await http.SendAsync(replay, HttpCompletionOption.ResponseHeadersRead, reading.Token);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(reading.Token));
            while (await reader.ReadLineAsync(reading.Token) is { } line)
            {
                feed.AppendLine(line);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The bounded read ended.
        }

        Assert.Contains("event: progress", feed.ToString(), StringComparison.Ordinal);
        pages.Add(("/api/v1/events", feed.ToString()));
        return pages;
    }

    /// <summary>Every table of every schema (ours and Orleans'), each row as text (bytea as hex), searched for every form.</summary>
    internal static async Task<(List<string> Tables, List<string> Findings)> ScanDatabaseAsync(TestDatabase database, Needles needles, CancellationToken ct)
    {
        var tables = new List<string>();
        await using (var list = database.DataSource.CreateCommand(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var findings = new List<string>();
        foreach (var table in tables)
        {
            var quoted = string.Join('.', table.Split('.').Select(static part => $"\"{part.Replace("\"", "\"\"", StringComparison.Ordinal)}\""));
            foreach (var (name, form) in needles.Forms)
            {
                await using var command = database.DataSource.CreateCommand($"SELECT count(*) FROM {quoted} AS r WHERE strpos(lower(r::text), lower(@form)) > 0");
                command.Parameters.AddWithValue("form", form);
                if ((long)(await command.ExecuteScalarAsync(ct))! > 0)
                {
                    findings.Add($"{name} in {table}");
                }
            }
        }

        return (tables, findings);
    }
}
