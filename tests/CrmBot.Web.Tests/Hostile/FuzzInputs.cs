using System.Text;
using System.Text.Json.Nodes;

namespace CrmBot.Web.Tests.Hostile;

/// <summary>
/// Generates hostile variants of valid payloads, from a fixed seed so a failure replays: half are
/// structural (a node swapped for another JSON type, a huge or odd string, deep nesting, a key removed),
/// half are byte-level (flips, truncation, splices, invalid UTF-8).
/// </summary>
public sealed class FuzzInputs(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] OddStrings =
    [
        "", " ", "null", "0", "-1", "2147483648", "1e308", "NaN", "true", "personal", "channel", "groupChat", "message", "invoke",
        "adaptiveCard/action", "<at>bot</at>", "<@U1>", "<@U1|bot>", "\u0000", "\uFFFD", "\uD800", "é", "本季", "🙂", "%00", "%%%",
        "&=&=", "a=b&c", "{", "[", "\"", "\\", "../../etc/passwd", "crm:snooze", "run:0", "logActivity:1", "snooze", "app_mention",
        "event_callback", "url_verification", "block_actions", "view_submission", "message.im", "im", "Ev1", "2026-13-40",
    ];

    public byte[] Mutate(JsonObject seedPayload) =>
        _random.Next(2) == 0 ? Encoding.UTF8.GetBytes(MutateStructure(seedPayload).ToJsonString()) : MutateBytes(Encoding.UTF8.GetBytes(seedPayload.ToJsonString()));

    public JsonObject MutateStructure(JsonObject seedPayload)
    {
        var copy = seedPayload.DeepClone().AsObject();
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            var nodes = Walk(copy).ToList();
            if (nodes.Count == 0)
                break;
            var (parent, key, index) = nodes[_random.Next(nodes.Count)];
            var replacement = RandomNode(depth: 0);
            if (parent is JsonObject o && key is not null)
            {
                if (_random.Next(5) == 0) o.Remove(key);
                else o[key] = replacement;
            }
            else if (parent is JsonArray a && index is { } at && at < a.Count)
                a[at] = replacement;
        }
        return copy;
    }

    public byte[] MutateBytes(byte[] bytes)
    {
        var list = bytes.ToList();
        for (var i = _random.Next(1, 6); i > 0 && list.Count > 0; i--)
        {
            var at = _random.Next(list.Count);
            switch (_random.Next(6))
            {
                case 0: list[at] ^= (byte)(1 << _random.Next(8)); break;
                case 1: list.RemoveRange(at, list.Count - at); break;
                case 2: list.Insert(at, (byte)_random.Next(256)); break;
                case 3: list.InsertRange(at, new byte[] { 0xC3, 0x28, 0xED, 0xA0, 0x80 }.Take(_random.Next(1, 6))); break;
                case 4: list.InsertRange(at, Encoding.UTF8.GetBytes(OddStrings[_random.Next(OddStrings.Length)])); break;
                default: list.RemoveAt(at); break;
            }
        }
        return [.. list];
    }

    public string RandomString() => _random.Next(10) switch
    {
        0 => new string((char)_random.Next(32, 0x3000), _random.Next(1, 5000)),
        1 => string.Concat(Enumerable.Range(0, _random.Next(1, 40)).Select(_ => (char)_random.Next(0, 0xFFFF))),
        _ => OddStrings[_random.Next(OddStrings.Length)],
    };

    private JsonNode? RandomNode(int depth) => _random.Next(depth > 3 ? 5 : 8) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.Next(3) == 0 ? long.MaxValue : _random.Next(-5, 100)),
        3 => JsonValue.Create(_random.NextDouble() * 1e300),
        4 => JsonValue.Create(RandomString()),
        5 => new JsonArray([.. Enumerable.Range(0, _random.Next(4)).Select(_ => RandomNode(depth + 1))]),
        6 => Nested(_random.Next(1, 60)),
        _ => RandomObject(depth),
    };

    private JsonObject RandomObject(int depth)
    {
        var o = new JsonObject();
        for (var i = _random.Next(4); i > 0; i--)
            o[OddStrings[_random.Next(OddStrings.Length)]] = RandomNode(depth + 1);
        return o;
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++)
            node = new JsonObject { ["a"] = node };
        return node;
    }

    private static IEnumerable<(JsonNode Parent, string? Key, int? Index)> Walk(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    yield return (o, key, null);
                    if (child is not null)
                        foreach (var inner in Walk(child)) yield return inner;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    yield return (a, null, i);
                    if (a[i] is { } child)
                        foreach (var inner in Walk(child)) yield return inner;
                }
                break;
        }
    }
}
