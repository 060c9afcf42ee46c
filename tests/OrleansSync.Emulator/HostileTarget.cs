namespace OrleansSync.Emulator;

/// <summary>The upstream calls a <see cref="HostileRule"/> can answer badly. JSON names are camelCase (<c>reviews</c>).</summary>
public enum HostileTarget
{
    /// <summary><c>GET .../projects/{projectId}/reviews</c>, the reviews list.</summary>
    Reviews,

    /// <summary><c>GET .../projects/{projectId}/workflows</c>, the workflows list.</summary>
    Workflows,

    /// <summary><c>GET .../reviews/{reviewId}/versions</c>.</summary>
    Versions,

    /// <summary><c>GET .../reviews/{reviewId}/progress</c>.</summary>
    Progress,

    /// <summary><c>POST /authentication/v2/token</c>.</summary>
    Token,
}
