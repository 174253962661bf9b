using CrmBot.Core.Chat;
using CrmBot.Slack.Api;
using CrmBot.Slack.Blocks;
using CrmBot.Slack.Charts;
using CrmBot.Slack.Inbound;
using CrmBot.Slack.SocketMode;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrmBot.Slack;

public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// The Slack channel: options (validated at start-up), Web API client, inbound queue and workers,
    /// Socket Mode (runs only when Slack:SocketMode is true) and the proactive sender. The host registers
    /// <see cref="IChatEngine"/>, <see cref="IIdentityLinker"/>, the database and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddSlackChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SlackOptions>().Bind(configuration.GetSection(SlackOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The client applies its own per-attempt timeout (Slack:RequestTimeout); HttpClient's is a backstop.
        services.AddHttpClient<SlackApiClient>(c => c.Timeout = TimeSpan.FromMinutes(2));
        services.AddSingleton<SlackRateLimits>();
        services.TryAddSingleton<BlockKitRenderer>();
        services.TryAddSingleton(_ => new ChartImageRenderer());

        services.AddSingleton<SlackTurnQueue>();
        services.AddSingleton<SlackEventDeduplicator>();
        services.AddSingleton<SlackInbound>();
        services.AddScoped<SlackConversations>();
        services.AddScoped<SlackTurnProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<SlackTurnQueue>());
        services.AddSingleton<SocketModeClient>();
        services.AddHostedService(sp => sp.GetRequiredService<SocketModeClient>());

        services.AddScoped<IProactiveSender, SlackSender>();
        return services;
    }
}
