using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace CrmBot.Teams.Cards.Templating;

/// <summary>
/// Expands an Adaptive Cards template (<c>${...}</c> bindings, <c>$data</c> repetition, <c>$when</c>,
/// <c>$index</c>, <c>$root</c>) with a data object, reproducing adaptivecards-templating 2.3
/// (its <c>Template.expand</c>): a string that is one binding keeps the bound value's type; a bound
/// field the data lacks stays as its literal <c>${path}</c>; an element bound to an empty list
/// disappears, to a one-item list stays an object, to a longer list repeats inside its array.
/// tests/js/cards/templating.test.js runs Microsoft's engine on the same templates and data.
/// </summary>
public sealed class TemplateExpander
{
    private static readonly HashSet<string> ReservedKeys = ["$data", "$when", "$root", "$index", "$host", "$_acTemplateVersion"];

    // A template is compiled once (its bindings parsed, its keys sorted out, its binding-free parts kept as they are) and
    // expanded from that many times: walking its JSON and looking its strings up again on every card made rendering the
    // sample replies about a sixth slower. Weak: a template parsed for one expansion (tests) does not stay.
    private readonly ConditionalWeakTable<JsonNode, Compiled> _compiled = new();

    public JsonNode? Expand(JsonNode template, JsonNode data)
    {
        // The data is only read: bound values are copied where they land in the card (ToNode).
        return _compiled.GetValue(template, Compile).Expand(new EvaluationScope(data, data, null));
    }

    private abstract class Compiled
    {
        public abstract JsonNode? Expand(EvaluationScope scope);
    }

    /// <summary>A part with no binding: copied as it is.</summary>
    private sealed class FixedPart(JsonNode? node) : Compiled
    {
        public override JsonNode? Expand(EvaluationScope scope) => node?.DeepClone();
    }

    private sealed class TextPart(object parsed) : Compiled
    {
        public override JsonNode? Expand(EvaluationScope scope) => ExpandString(parsed, scope);
    }

    private sealed class ArrayPart(Compiled[] items) : Compiled
    {
        public override JsonNode? Expand(EvaluationScope scope)
        {
            var result = new JsonArray();
            foreach (var item in items)
            {
                var expanded = item.Expand(scope);
                if (expanded is null) continue;
                // A repeated element (or a nested array) is spliced into its parent array.
                if (expanded is JsonArray many)
                {
                    // Clear detaches them all from their parent at once; Remove one by one shifted the rest each time.
                    var elements = many.ToArray();
                    many.Clear();
                    foreach (var element in elements)
                        result.Add(element);
                }
                else result.Add(expanded);
            }
            return result;
        }
    }

    /// <summary>Null when nothing is left ($when false, empty $data), an array when $data repeated it.</summary>
    private sealed class ObjectPart(KeyValuePair<string, Compiled>[] properties, JsonNode? data, bool hasData, JsonNode? when, bool hasWhen) : Compiled
    {
        private readonly object? _dataText = data is JsonValue v && v.TryGetValue<string>(out var text) ? ParseInterpolated(text) : null;
        private readonly TemplateExpression? _when = when is JsonValue w && w.TryGetValue<string>(out var text) ? ParseInterpolated(text) as TemplateExpression : null;

        public override JsonNode? Expand(EvaluationScope scope)
        {
            if (!hasData)
                return IsWhenTrue(scope) ? Build(scope) : null;
            var bound = _dataText is not null ? BindData(_dataText, scope) : TemplateExpression.FromNode(data);
            if (bound is not JsonArray items)
            {
                var context = bound is null ? scope : scope with { Data = bound };
                return IsWhenTrue(context) ? Build(context) : null;
            }
            var results = new List<JsonObject>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var context = scope with { Data = TemplateExpression.FromNode(items[i]), Index = i };
                if (IsWhenTrue(context))
                    results.Add(Build(context));
            }
            return results.Count switch
            {
                0 => null,
                1 => results[0],
                _ => new JsonArray([.. results]),
            };
        }

        private JsonObject Build(EvaluationScope scope)
        {
            var expanded = new KeyValuePair<string, JsonNode?>[properties.Length];
            for (var i = 0; i < properties.Length; i++)
                expanded[i] = new(properties[i].Key, properties[i].Value.Expand(scope));
            return new JsonObject(expanded); // sized once, not grown key by key
        }

        // A $when that is not a binding, fails, or is not a boolean drops the element (as the official engine does).
        private bool IsWhenTrue(EvaluationScope scope)
        {
            if (!hasWhen) return true;
            if (_when is null) return false;
            try { return _when.Evaluate(scope) is true; }
            catch (TemplateException) { return false; }
        }
    }

    private static Compiled Compile(JsonNode? node) => node switch
    {
        _ when !HasBinding(node) => new FixedPart(node),
        JsonArray array => new ArrayPart([.. array.Select(Compile)]),
        JsonObject obj => new ObjectPart(
            [.. obj.Where(p => !ReservedKeys.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, Compile(p.Value)))],
            obj["$data"], obj.ContainsKey("$data"), obj["$when"], obj.ContainsKey("$when")),
        JsonValue value when value.TryGetValue<string>(out var text) => new TextPart(ParseInterpolated(text)),
        _ => new FixedPart(node),
    };

    /// <summary>
    /// Whether expanding can change anything: a binding, a key the engine acts on ($data, $when…), or an array item the
    /// engine drops (null) or splices into its parent (an array).
    /// </summary>
    private static bool HasBinding(JsonNode? node) => node switch
    {
        JsonArray array => array.Any(item => item is null or JsonArray || HasBinding(item)),
        JsonObject obj => obj.Any(p => ReservedKeys.Contains(p.Key) || HasBinding(p.Value)),
        JsonValue value => value.TryGetValue<string>(out var text) && text.Contains("${", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>What a <c>$data</c> binding iterates or scopes to: the bound data itself, not a copy (it is only read).</summary>
    private static object? BindData(object parsed, EvaluationScope scope)
    {
        if (parsed is not TemplateExpression single)
            return TemplateExpression.FromNode(ExpandString(parsed, scope));
        var value = single.Evaluate(scope);
        return value is JsonNode node ? node : TemplateExpression.FromNode(ToNode(single, value));
    }

    private static JsonNode? ExpandString(object parsed, EvaluationScope scope) => parsed switch
    {
        TemplateExpression single => ToNode(single, single.Evaluate(scope)),
        IReadOnlyList<object> parts => JsonValue.Create(Concat(parts, scope)),
        string text => JsonValue.Create(text),
        _ => throw new InvalidOperationException($"Not a parsed template string: {parsed}"),
    };

    private static string Concat(IReadOnlyList<object> parts, EvaluationScope scope)
    {
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is string literal) { sb.Append(literal); continue; }
            var expression = (TemplateExpression)part;
            object? value;
            try { value = expression.Evaluate(scope); }
            catch (TemplateException) { value = TemplateExpression.Missing; }
            if (value == TemplateExpression.Missing) sb.Append("${").Append(expression.Source).Append('}');
            else sb.Append(JsToString(value ?? throw new TemplateException($"'{expression.Source}' is null inside a text; the official engine fails on that")));
        }
        return sb.ToString();
    }

    private static JsonNode? ToNode(TemplateExpression expression, object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        JsonNode n => n.DeepClone(),
        _ => JsonValue.Create("${" + expression.Source + "}"),
    };

    /// <summary>JavaScript's String(value), which the official engine uses to join interpolated text.</summary>
    private static string JsToString(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d => JsNumber(d),
        JsonArray a => string.Join(",", a.Select(e => e is null ? "" : JsToString(TemplateExpression.FromNode(e) ?? ""))),
        _ => "[object Object]",
    };

    private static string JsNumber(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e21
            ? ((decimal)d).ToString(CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+").Replace("E-", "e-");

    /// <summary>The literal text, one expression (a whole-string binding), or literal/expression parts.</summary>
    private static object ParseInterpolated(string text)
    {
        if (!text.Contains("${", StringComparison.Ordinal)) return text;
        var parts = new List<object>();
        var pos = 0;
        while (pos < text.Length)
        {
            var start = text.IndexOf("${", pos, StringComparison.Ordinal);
            var end = start < 0 ? -1 : FindClosingBrace(text, start + 2);
            if (start < 0 || end < 0)
            {
                parts.Add(text[pos..]);
                break;
            }
            if (start > pos) parts.Add(text[pos..start]);
            parts.Add(TemplateExpression.Parse(text[(start + 2)..end]) with { Source = text[(start + 2)..end] });
            pos = end + 1;
        }
        return parts is [TemplateExpression only] ? only : parts;
    }

    private static int FindClosingBrace(string text, int from)
    {
        char? quote = null;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null) { if (c == quote) quote = null; }
            else if (c is '\'' or '"') quote = c;
            else if (c == '}') return i;
        }
        return -1;
    }
}
