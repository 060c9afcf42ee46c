using OrleansSync.Client.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await OrleansSyncCli.RunAsync(args, CliInvocation.ForProcess(), cancellation.Token);
