namespace OrleansSync.Silo.Api;

/// <summary>
/// Refuses a request that would change something when a browser says another site sent it (<c>Sec-Fetch-Site:
/// cross-site</c>, or an <c>Origin</c> other than this silo's): a page elsewhere cannot make a visitor's browser start,
/// pause or remove anything, with or without a credential. Scripts and the CLI send neither header.
/// </summary>
internal sealed class CrossSiteFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return next(context);
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        var own = $"{request.Scheme}://{request.Host}";
        if (site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || (origin.Length > 0 && !origin.Equals(own, StringComparison.OrdinalIgnoreCase)))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                $"Another site ('{(origin.Length > 0 ? origin : site)}') may not change anything here: send the request from this silo's own page, a script or the CLI.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden"));
        }

        return next(context);
    }
}
