using CrmBot.Web.Cli;
using CrmBot.Web.Hosting;

// `crmbot` with no verb (or `serve`, or host options such as --urls) runs the bot; any other verb, and --help, is a
// command-line tool.
if (args.Length > 0 && args[0] != "serve" && (!args[0].StartsWith('-') || args[0] is "--help" or "-h"))
    return await CliVerbs.RunAsync(args);

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
