using System.Net;

namespace CrmBot.Slack.Tests;

/// <summary>
/// The Slack queue full (one worker held by a slow report, room for one more): an event is refused with 503 so that
/// Slack retries it, not acknowledged and dropped; its retry, once there is room, is answered once.
/// </summary>
public sealed class FullQueueFacts : SlackHostTest
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Slack:Workers"] = "1",
        ["Slack:QueueCapacity"] = "1",
    };

    [Fact]
    public async Task Events_AreRefusedWith503WhenTheQueueIsFull_AndAnsweredOnceWhenSlackRetries()
    {
        Engine.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var texts = new[] { "one", "two", "three", "four" };
        var statuses = new Dictionary<string, HttpStatusCode>();
        foreach (var text in texts)
        {
            using var response = await Host.PostJsonAsync("/slack/events", Event("Ev-" + text, DirectMessage(text)));
            statuses[text] = response.StatusCode;
        }

        // One held by the worker, one waiting: the others could not be taken.
        Assert.True(statuses.Values.Count(s => s == HttpStatusCode.ServiceUnavailable) >= 2, string.Join(", ", statuses));
        Assert.All(statuses.Values, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));

        Engine.Gate.SetResult();
        foreach (var text in texts.Where(t => statuses[t] == HttpStatusCode.ServiceUnavailable))
        {
            await WaitUntilAsync(() => Engine.Turns.Count >= texts.Count(t => statuses[t] == HttpStatusCode.OK), "the accepted events");
            using var retry = await Host.PostJsonAsync("/slack/events", Event("Ev-" + text, DirectMessage(text)),
                new Dictionary<string, string> { ["X-Slack-Retry-Num"] = "1", ["X-Slack-Retry-Reason"] = "http_error" });
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            await WaitForTurnAsync(text);
        }

        Assert.Equal(texts.Order(), Engine.Turns.Select(t => t.Text!).Order());
    }
}
