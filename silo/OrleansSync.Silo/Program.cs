using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OrleansSync.Schema;
using OrleansSync.Silo.Api;
using OrleansSync.Silo.Health;
using OrleansSync.Silo.Hosting;
using OrleansSync.Silo.HttpAuth;
using OrleansSync.Silo.StatusPage;

var builder = WebApplication.CreateBuilder();
if (SiloCommandLine.Apply(builder.Configuration, args, Environment.GetEnvironmentVariable) is { } usageError)
{
    Console.Error.WriteLine(usageError);
    return 2;
}

var settings = builder.Configuration.GetSection(SyncSiloOptions.Section).Get<SyncSiloOptions>() ?? new SyncSiloOptions();
if (settings.Validate() is { Count: > 0 } errors)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine(error);
    }

    return 2;
}

builder.AddOrleansSyncSilo(settings);
var app = builder.Build();
app.MapHealthEndpoints();
app.MapOrleansDashboard(routePrefix: "/dashboard");
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapSyncApi();
app.MapStatusPage();

try
{
    // What the host would check as it starts, checked first: before the migration, and without the host's stack trace.
    app.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (Exception e) when (e is OptionsValidationException || (e is AggregateException all && all.InnerExceptions.All(static i => i is OptionsValidationException)))
{
    // A setting out of range (OrleansSync:Tasks, :Projects, :Acc, ...) stops the silo naming it.
    var failures = e is AggregateException many ? many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(static o => o.Failures) : ((OptionsValidationException)e).Failures;
    Console.Error.WriteLine($"error: invalid settings: {string.Join("; ", failures)}");
    return 2;
}

if (HttpAuthentication.Use(app, settings) is { } httpAuthError)
{
    // A credential that is named but missing, or HTTP open beyond loopback without one.
    Console.Error.WriteLine($"error: {httpAuthError}");
    return 2;
}

if (settings.MigrateOnStart)
{
    // Before Orleans starts: its ADO.NET providers read their queries from OrleansQuery at start-up.
    await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
}

await app.RunAsync();
return 0;
