using System.Text.Json.Serialization;

namespace OrleansSync.Silo.Api;

/// <summary>
/// The HTTP API under <c>/api/v1</c>, served by every silo behind the credential that guards the dashboard: JSON
/// in the shapes the CLI's <c>--json</c> prints, errors as RFC 9457 problem details, OpenAPI at
/// <c>/openapi/v1.json</c>. Grains answer for live state; PostgreSQL for history.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "/api/v1";

    public static IServiceCollection AddSyncApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi("v1");
        services.ConfigureHttpJsonOptions(static o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddSingleton<RunRecords>();
        // A query value of the wrong type (limit=abc) throws, so ApiBindingProblems can answer it as a problem naming it.
        services.Configure<RouteHandlerOptions>(static o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication MapSyncApi(this WebApplication app)
    {
        app.UseMiddleware<ApiBindingProblems>();
        app.MapOpenApi("/openapi/{documentName}.json");
        var api = app.MapGroup(Prefix).AddEndpointFilter<CrossSiteFilter>();
        ProjectEndpoints.Map(api);
        RunEndpoints.Map(api);
        BackfillEndpoints.Map(api);
        EventEndpoints.Map(api);
        TaskEndpoints.Map(api);
        DeadLetterEndpoints.Map(api);
        ClusterEndpoints.Map(api);
        return app;
    }
}
