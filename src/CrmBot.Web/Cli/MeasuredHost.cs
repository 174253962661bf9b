namespace CrmBot.Web.Cli;

/// <summary>
/// The real host as the measuring verbs (`bench http`, `load`) start it: on 127.0.0.1 on a free port, no job
/// server, warnings only, Teams in local (unauthenticated) mode, Slack over HTTP against a fake slack.com.
/// </summary>
public static class MeasuredHost
{
    public static string[] Arguments(string slackApiBaseUrl, string slackSigningSecret, string? connectionString)
    {
        List<string> args =
        [
            "--urls=http://127.0.0.1:0",
            "--Jobs:RunServer=false",
            "--Logging:LogLevel:Default=Warning",
            "--Teams:MicrosoftAppId=",
            "--Slack:BotToken=xoxb-measured",
            $"--Slack:SigningSecret={slackSigningSecret}",
            "--Slack:SocketMode=false",
            $"--Slack:ApiBaseUrl={slackApiBaseUrl}",
        ];
        if (connectionString is not null)
            args.Add($"--Database:ConnectionString={connectionString}");
        return [.. args];
    }
}
