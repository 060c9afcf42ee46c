namespace OrleansSync.Security;

/// <summary>A client called a method that only the cluster's silos may call (<see cref="SiloOnlyAttribute"/>).</summary>
[GenerateSerializer, Alias("OrleansSync.Security.SiloOnlyCallException")]
public sealed class SiloOnlyCallException : Exception
{
    public SiloOnlyCallException()
    {
    }

    public SiloOnlyCallException(string message)
        : base(message)
    {
    }

    public SiloOnlyCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
