using System.Text;
using Microsoft.Net.Http.Headers;

namespace OrleansSync.Emulator.Auth;

/// <summary>Client id and secret of a token request, from HTTP Basic or from the form (RFC 6749 §2.3.1).</summary>
internal sealed record ClientCredentials(string ClientId, string? ClientSecret)
{
    public static ClientCredentials? From(HttpRequest request, IFormCollection? form)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return FromBasic(header[6..].Trim());
        }

        if (form is not null && form.TryGetValue("client_id", out var id) && !string.IsNullOrEmpty(id))
        {
            var secret = form.TryGetValue("client_secret", out var s) ? s.ToString() : null;
            return new ClientCredentials(id.ToString(), secret);
        }

        return null;
    }

    /// <summary>Reads the form when there is one; a broken body reads as no form.</summary>
    public static async Task<IFormCollection?> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return null;
        }

        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static ClientCredentials? FromBasic(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            // RFC 6749 form-encodes both parts before Basic encoding them.
            return new ClientCredentials(Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
