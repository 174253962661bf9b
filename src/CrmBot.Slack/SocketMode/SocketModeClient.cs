using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmBot.Slack.Api;
using CrmBot.Slack.Inbound;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmBot.Slack.SocketMode;

/// <summary>
/// Socket Mode (protocols.md §9): Slack pushes the same payloads over a WebSocket we open, so no public
/// URL is needed (laptops, closed networks). Each envelope is handed to <see cref="SlackInbound"/> and
/// acked by envelope_id, with the ack body as payload when Slack accepts one. A fresh URL is fetched
/// from apps.connections.open for every connection; "refresh_requested" reconnects at once (the new
/// socket opens before the old one is dropped), failures back off, "link_disabled" stops for good.
/// </summary>
public sealed class SocketModeClient(SlackApiClient api, SlackInbound inbound, IOptions<SlackOptions> options,
    TimeProvider clock, ILogger<SocketModeClient> log) : BackgroundService
{
    // The server should answer our pings within 5 s (the Node SDK's numbers): a silent link is dead.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PongTimeout = TimeSpan.FromSeconds(5);
    // Slack closes a refreshed socket about 10 s after its warning; give the old one that long to drain.
    private static readonly TimeSpan OldSocketGrace = TimeSpan.FromSeconds(10);
    // apps.connections.open is Tier 1 (about one call a minute sustained): back off up to a minute.
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    private enum Ending { Dropped, RefreshRequested, LinkDisabled }

    /// <summary>True once Slack said hello on the current connection (ready to receive).</summary>
    public bool IsConnected { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SocketMode) return;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            Ending ending;
            try
            {
                var url = await api.OpenSocketConnectionAsync(stoppingToken);
                ending = await RunConnectionAsync(url, () => failures = 0, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SlackApiException e)
            {
                log.LogWarning("Socket Mode could not get a connection URL: {Error}", e.Error);
                ending = Ending.Dropped;
            }
            IsConnected = false;

            switch (ending)
            {
                case Ending.LinkDisabled:
                    log.LogCritical("Slack disabled Socket Mode for this app (link_disabled); not reconnecting. Turn Socket Mode back on in the app settings and restart.");
                    return;
                case Ending.RefreshRequested:
                    continue;
                default:
                    failures++;
                    var wait = Backoff(failures);
                    log.LogInformation("Socket Mode reconnecting in {Seconds:0.0} s", wait.TotalSeconds);
                    try { await Task.Delay(wait, clock, stoppingToken); }
                    catch (OperationCanceledException) { return; }
                    break;
            }
        }
    }

    /// <summary>Runs one connection until Slack asks to reconnect, turns it off, or the link drops.</summary>
    private async Task<Ending> RunConnectionAsync(Uri url, Action onHello, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = PingInterval;
        socket.Options.KeepAliveTimeout = PongTimeout;
        var ending = Ending.Dropped;
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                connectTimeout.CancelAfter(options.Value.RequestTimeout);
                await socket.ConnectAsync(url, connectTimeout.Token);
            }
            while (socket.State == WebSocketState.Open && await ReceiveAsync(socket, ct) is { } frame)
            {
                switch (frame["type"]?.GetValue<string>())
                {
                    case "hello":
                        IsConnected = true;
                        onHello();
                        log.LogInformation("Socket Mode connected ({Connections} connections)", frame["num_connections"]?.ToJsonString());
                        break;
                    case "disconnect" when frame["reason"]?.GetValue<string>() == "link_disabled":
                        return ending = Ending.LinkDisabled;
                    case "disconnect":
                        log.LogInformation("Socket Mode disconnect: {Reason}; reconnecting", frame["reason"]?.GetValue<string>());
                        // The replacement opens now; this socket stays open a little to drain, then closes.
                        _ = DrainAndCloseAsync(socket, ct);
                        return ending = Ending.RefreshRequested;
                    default:
                        await HandleEnvelopeAsync(socket, frame, ct);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or JsonException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            log.LogWarning("Socket Mode link dropped: {Error}", e.Message);
        }
        finally
        {
            if (ending != Ending.RefreshRequested) await CloseQuietlyAsync(socket);
        }
        return ending;
    }

    private async Task HandleEnvelopeAsync(WebSocket socket, JsonObject envelope, CancellationToken ct)
    {
        var envelopeId = envelope["envelope_id"]?.GetValue<string>();
        if (envelopeId is null) return;
        var payload = envelope["payload"] as JsonObject ?? [];
        var answer = envelope["type"]?.GetValue<string>() switch
        {
            "events_api" => inbound.HandleEvent(payload),
            "slash_commands" => new SlackAck(inbound.HandleCommand(payload, envelopeId)),
            "interactive" => inbound.HandleInteraction(payload, envelopeId),
            var other => LogUnknown(other),
        };
        if (answer.IsBusy)
            return;   // not acknowledged: Slack delivers an event again, and shows a click or a form as failed
        var ack = new JsonObject { ["envelope_id"] = envelopeId };
        if (answer.Body is not null && envelope["accepts_response_payload"]?.GetValueKind() == JsonValueKind.True)
            ack["payload"] = answer.Body;
        await socket.SendAsync(Encoding.UTF8.GetBytes(ack.ToJsonString()), WebSocketMessageType.Text, true, ct);
    }

    private SlackAck LogUnknown(string? type)
    {
        log.LogInformation("Socket Mode envelope of type {Type} acknowledged and ignored", type);
        return SlackAck.Empty;
    }

    private static async Task<JsonObject?> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        using var message = new MemoryStream();
        var buffer = new byte[8 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) break;
        }
        return JsonNode.Parse(message.ToArray()) as JsonObject ?? [];
    }

    private async Task DrainAndCloseAsync(WebSocket socket, CancellationToken ct)
    {
        try
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
            grace.CancelAfter(OldSocketGrace);
            while (socket.State == WebSocketState.Open && await ReceiveAsync(socket, grace.Token) is { } frame)
                if (frame["envelope_id"] is not null) await HandleEnvelopeAsync(socket, frame, grace.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or JsonException)
        {
            // The old link is going away anyway.
        }
        await CloseQuietlyAsync(socket);
    }

    private static async Task CloseQuietlyAsync(WebSocket socket)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Closing is a courtesy.
        }
        socket.Dispose();
    }

    // 1 s, 2 s, 4 s… up to a minute, with up to 20 % jitter so instances do not reconnect in step.
    private static TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10)));
        return TimeSpan.FromSeconds(seconds * (1 + Random.Shared.NextDouble() * 0.2));
    }
}
