using CrmBot.Core.Chat;
using CrmBot.Teams.Auth;
using CrmBot.Teams.Cards;
using CrmBot.Teams.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrmBot.Teams;

public static class TeamsChannelSetup
{
    /// <summary>
    /// The Teams channel: options (section "Teams", validated on start), inbound auth, connector client,
    /// turn queue and the proactive sender. IChatEngine and IIdentityLinker come from the host.
    /// </summary>
    public static IServiceCollection AddTeamsChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        // Every outbound call is bounded by Teams:HttpTimeout.
        foreach (var name in new[] { EndorsedKeyCache.HttpClientName, BotTokenProvider.HttpClientName, ConnectorClient.HttpClientName })
            services.AddHttpClient(name).ConfigureHttpClient((sp, c) => c.Timeout = sp.GetRequiredService<IOptions<TeamsOptions>>().Value.HttpTimeout);

        services.AddSingleton<EndorsedKeyCache>();
        services.AddSingleton<BotFrameworkAuthenticator>();
        services.AddSingleton<BotTokenProvider>();
        services.AddSingleton<ConnectorClient>();
        services.TryAddSingleton<AdaptiveCardRenderer>();
        services.AddScoped<TeamsTurnHandler>();
        services.AddSingleton<TeamsTurnQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<TeamsTurnQueue>());
        services.AddScoped<TeamsSender>();
        services.AddScoped<IProactiveSender>(sp => sp.GetRequiredService<TeamsSender>());
        return services;
    }
}
