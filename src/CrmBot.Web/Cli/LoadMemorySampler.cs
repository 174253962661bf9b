using System.Diagnostics;

namespace CrmBot.Web.Cli;

/// <summary>
/// The working set of this process (host and load client together) once a second during a load run, and
/// the "memory flat" verdict: the first quarter of the samples is warm-up (JIT, query compilation, pools,
/// SQLite page caches) and ignored; memory is flat when the mean of the last quarter is at most
/// <see cref="Tolerance"/> above the mean of the second quarter. A leak grows steadily and fails this;
/// the sawtooth of the garbage collector does not. Runs shorter than <see cref="MinimumSamples"/> seconds
/// are not judged (a quarter of fewer than five samples says little).
/// </summary>
public sealed class LoadMemorySampler : IAsyncDisposable
{
    public const double Tolerance = 0.20;
    public const int MinimumSamples = 20;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly List<long> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LoadMemorySampler() => _loop = SampleAsync();

    public static LoadMemorySampler Start() => new();

    public enum Verdict { Flat, Growing, NotJudged }

    public sealed record Summary(long StartBytes, long PeakBytes, long EndBytes, double SecondQuarterMean, double LastQuarterMean, int Samples, Verdict Verdict)
    {
        public double Growth => SecondQuarterMean > 0 ? LastQuarterMean / SecondQuarterMean - 1 : 0;
    }

    private async Task SampleAsync()
    {
        using var process = Process.GetCurrentProcess();
        using var timer = new PeriodicTimer(Interval);
        do
        {
            process.Refresh();
            lock (_samples)
                _samples.Add(process.WorkingSet64);
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try { return await timer.WaitForNextTickAsync(_stop.Token); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Stops sampling (after one last sample) and judges.</summary>
    public async Task<Summary> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        using (var process = Process.GetCurrentProcess())
        {
            lock (_samples)
                _samples.Add(process.WorkingSet64);
        }
        return Judge(_samples);
    }

    public static Summary Judge(IReadOnlyList<long> samples)
    {
        var n = samples.Count;
        double Mean(int from, int to) => to > from ? samples.Skip(from).Take(to - from).Average() : 0;
        var second = Mean(n / 4, n / 2);
        var last = Mean(3 * n / 4, n);
        var verdict = n < MinimumSamples ? Verdict.NotJudged : last <= second * (1 + Tolerance) ? Verdict.Flat : Verdict.Growing;
        return new Summary(samples[0], samples.Max(), samples[^1], second, last, n, verdict);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
