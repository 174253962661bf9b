using CrmBot.Core.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrmBot.Core.Reports;

public static class ReportServices
{
    /// <summary>
    /// The report runner and its options (sections "Crm" and "Nudges", whose stale and neglected thresholds the reports
    /// share with the nudges; validated at start-up). Needs a CrmDbContext.
    /// </summary>
    public static IServiceCollection AddCrmReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CrmOptions>().Bind(configuration.GetSection(CrmOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddNudgeOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<IReportRunner, ReportRunner>();
        return services;
    }
}
