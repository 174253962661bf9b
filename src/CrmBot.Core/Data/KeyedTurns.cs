namespace CrmBot.Core.Data;

/// <summary>
/// Work on the same key takes turns within this process. Two first messages in a new conversation at once would both
/// insert its row: the unique index keeps one and the code handles the loser, but EF logs the loser's failure as an
/// error with its stack trace. Keys share a fixed set of stripes, so memory does not grow with them; across
/// instances the unique index still decides. Never enter a second key while holding one (two keys may share a stripe).
/// </summary>
public static class KeyedTurns
{
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public static async Task<IDisposable> EnterAsync(string key, CancellationToken ct)
    {
        var stripe = Stripes[(uint)StringComparer.Ordinal.GetHashCode(key) % (uint)Stripes.Length];
        await stripe.WaitAsync(ct);
        return new Turn(stripe);
    }

    private sealed class Turn(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                stripe.Release();
        }
    }
}
