using CrmBot.Web.Cli;
using CrmBot.Web.Hosting;

if (CliVerbs.ToolArguments(args) is { } tool)
    return await CliVerbs.RunAsync(tool);

try
{
    var app = BotHost.Build(args.SkipWhile(a => a == "serve").ToArray());
    return await BotHost.RunAsync(app);
}
catch (Exception e) when (StartupErrors.Explain(e) is { } message)
{
    Console.Error.WriteLine("CrmBot could not start. " + message);
    return 1;
}
