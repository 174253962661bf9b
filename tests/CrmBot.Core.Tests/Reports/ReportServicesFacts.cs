using CrmBot.Core.Data;
using CrmBot.Core.Reports;
using CrmBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmBot.Core.Tests.Reports;

public sealed class ReportServicesFacts
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, TestDatabase db)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddCrmDatabase(new DatabaseOptions { ConnectionString = db.ConnectionString })
            .AddCrmReports(configuration)
            .BuildServiceProvider();
    }

    [Fact]
    public void AddCrmReports_BindsTheCrmSection_AndProvidesTheRunner()
    {
        using var db = new TestDatabase();
        using var services = Build(new() { ["Crm:FiscalYearStartMonth"] = "4", ["Crm:RecordUrlTemplate"] = "https://crm.example.com/{kind}/{id}" }, db);
        using var scope = services.CreateScope();

        Assert.Equal(4, services.GetRequiredService<IOptions<CrmOptions>>().Value.FiscalYearStartMonth);
        Assert.IsType<ReportRunner>(scope.ServiceProvider.GetRequiredService<IReportRunner>());
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
    }

    [Theory]
    [InlineData("Crm:FiscalYearStartMonth", "13")]
    [InlineData("Crm:FiscalYearStartMonth", "0")]
    [InlineData("Crm:RecordUrlTemplate", "https://crm.example.com/records")]
    [InlineData("Crm:RecordUrlTemplate", "crm/{id}")]
    [InlineData("Crm:DefaultCurrency", "dollars")]
    public void AddCrmReports_RejectsInvalidSettings(string key, string value)
    {
        using var db = new TestDatabase();
        using var services = Build(new() { [key] = value }, db);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CrmOptions>>().Value);
        Assert.Contains(key.Split(':')[1], string.Join(" ", error.Failures));
    }
}
