using OrleansSync.Benchmarks.Runner;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await ScenarioCli.RunAsync(args, cancellation.Token);
