using System.Text.Json;

namespace OrleansSync.Silo.Api;

/// <summary>
/// A request the framework could not bind (a query value of the wrong type, such as <c>limit=abc</c>) answered as a
/// 400 problem that says which parameter and value, instead of an empty 400 or a 500.
/// </summary>
internal sealed class ApiBindingProblems(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = e.StatusCode;
            context.Response.ContentType = "application/problem+json";
            var problem = new
            {
                type = "https://www.rfc-editor.org/rfc/rfc9110#status." + e.StatusCode,
                title = "Bad request",
                status = e.StatusCode,
                // The framework's message names the parameter and the value it could not read.
                detail = $"{e.Message} See this request's parameters at /openapi/v1.json.",
            };
            await context.Response.WriteAsync(JsonSerializer.Serialize(problem), context.RequestAborted);
        }
    }
}
