using CrmBot.Core.Chat;
using CrmBot.Core.Data;
using CrmBot.Slack.Tests.Fakes;
using CrmBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CrmBot.Slack.Tests;

public sealed class SlackServiceCollectionFacts
{
    [Fact]
    public void AddSlackChannel_BuildsWithScopeAndBuildValidation_WhenTheHostProvidesEngineLinkerAndDatabase()
    {
        using var database = new TestDatabase();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-1", ["Slack:SigningSecret"] = "s",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddDbContext<CrmDbContext>(o => DatabaseSetup.ConfigureSqlite(o, database.ConnectionString))
            .AddSingleton<IChatEngine>(new FakeChatEngine())
            .AddSingleton<IIdentityLinker>(new FakeIdentityLinker())
            .AddSlackChannel(configuration);

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        using var scope = provider.CreateScope();

        var sender = Assert.Single(scope.ServiceProvider.GetServices<IProactiveSender>());
        Assert.Equal(ChatPlatform.Slack, sender.Platform);
    }
}
