using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSync.Silo.Api;

/// <summary>
/// Reads a request's JSON body strictly: an unknown field, a value of the wrong type or malformed JSON is a 400 that
/// names where, before anything changes. Only <c>application/json</c> is read, so a cross-site HTML form (which cannot
/// send that type without the browser asking first) never reaches a mutation.
/// </summary>
internal static class ApiBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer; an empty body is <paramref name="empty"/>, when given.</summary>
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, T? empty, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return empty is not null ? (empty, null) : (null, ApiProblems.BadRequest("The request needs a JSON body (Content-Type: application/json)."));
        }

        if (!request.HasJsonContentType())
        {
            return (null, ApiProblems.BadRequest($"The body must be JSON, sent with Content-Type: application/json (got '{request.ContentType}')."));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return body is null ? (null, ApiProblems.BadRequest("The body is JSON null: send an object.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.BadRequest(Describe(e)));
        }
    }

    private static string Describe(JsonException e)
    {
        var at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "the body" : $"'{e.Path}'";
        // The serializer's own message names .NET types; say it in the API's terms instead.
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"Unknown field at {at}: this request takes only the fields its schema at /openapi/v1.json lists.";
        }

        return e.Path is null
            ? "The body is not valid JSON."
            : $"The value at {at} is malformed or of the wrong type; see this request's schema at /openapi/v1.json.";
    }
}
