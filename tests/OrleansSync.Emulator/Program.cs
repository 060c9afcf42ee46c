using OrleansSync.Emulator.Cli;

return await EmulatorCommand.RunAsync(args, Console.Out, Console.Error);
