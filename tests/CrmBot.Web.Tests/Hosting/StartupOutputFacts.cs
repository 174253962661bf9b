using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CrmBot.Web.Hosting;
using Microsoft.Data.Sqlite;

namespace CrmBot.Web.Tests.Hosting;

/// <summary>What a person starting the real `crmbot` executable reads when it cannot start: one line saying what to do.</summary>
public sealed class StartupOutputFacts : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("crmbot-start-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* best effort */ }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task APortInUse_IsExplainedInOneLine_WithoutAStackTrace(string host)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await RunAsync($"--urls=http://{host}:{port}");

        Assert.Equal(1, exitCode);
        Assert.Contains("CrmBot could not start. The port is already in use", output);
        Assert.DoesNotContain("   at ", output);          // a stack frame
        Assert.DoesNotContain("Exception", output);
        Assert.False(File.Exists(Path.Combine(_directory, "crmbot.db")), "nothing should be prepared for a host that cannot listen");
    }

    [Fact]
    public void ThrowIfTaken_LetsAPortInTimeWaitAndWhatItDoesNotProbeThrough()
    {
        // A port whose last connection this side closed first lingers in TIME_WAIT (a host just stopped): Kestrel listens
        // there again, so the probe must not refuse it. (.NET's listeners set SO_REUSEADDR on Unix, as the probe does.)
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using (var client = new TcpClient())
        {
            client.Connect(IPAddress.Loopback, port);
            using var accepted = listener.AcceptTcpClient();
            accepted.Client.Close();   // the server side closes first: its end waits in TIME_WAIT
            client.GetStream().ReadByte();
        }
        listener.Stop();

        PortProbe.ThrowIfTaken([$"http://127.0.0.1:{port}", $"http://LOCALHOST:{port}", "http://127.0.0.1:0", "http://bot.example.com:80", "not a url"]);
    }

    [Fact]
    public void ThrowIfTaken_LeavesOtherBindFailuresToKestrel()
    {
        // An address this machine does not have (TEST-NET-1): Kestrel reports it in its own words.
        PortProbe.ThrowIfTaken(["http://192.0.2.1:5080"]);
    }

    /// <summary>`dotnet crmbot.dll serve` from the test's output folder; its whole output, within a minute.</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(string urls)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "exec", Path.Combine(AppContext.BaseDirectory, "crmbot.dll"), "serve", urls,
            $"--Database:ConnectionString=Data Source={Path.Combine(_directory, "crmbot.db")}",
        })
            start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
