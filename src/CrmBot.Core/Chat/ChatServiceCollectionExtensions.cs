using CrmBot.Core.Chat.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrmBot.Core.Chat;

public static class ChatServiceCollectionExtensions
{
    /// <summary>
    /// The chat engine, the identity linker and every handler named in <see cref="ChatRoutes"/> (per
    /// request, like the DbContext they use). The host also registers an <see cref="Reports.IReportRunner"/>.
    /// </summary>
    public static IServiceCollection AddChatEngine(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ChatOptions>().Validate(o => o.MaxConcurrentTurns >= 1, "Chat:MaxConcurrentTurns must be at least 1.");
        services.TryAddSingleton<TurnGate>();
        services.AddScoped<ChatEngine>();
        services.AddScoped<IChatEngine>(sp => sp.GetRequiredService<ChatEngine>());
        services.AddScoped<IIdentityLinker, IdentityLinker>();
        services.AddScoped<RecordScope>();
        // The chat side of scheduled work (subscriptions, nudge stats) is answered by Scheduling/.
        services.TryAddScoped<Scheduling.SubscriptionService>();
        services.TryAddScoped<Scheduling.NudgeStatsHandler>();
        foreach (var handler in ChatRoutes.Commands.Select(r => r.Handler).Concat(ChatRoutes.CardActions.Select(r => r.Handler)).Distinct())
            services.TryAddScoped(handler);
        return services;
    }
}
