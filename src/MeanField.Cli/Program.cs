using System.CommandLine;
using MeanField.Cli;

return MeanFieldCommand.Run(args);
