using System.Collections.Concurrent;
using System.Globalization;
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

    // Shared by concurrent renders (the renderer is a singleton), hence concurrent.
    private readonly ConcurrentDictionary<string, object> _parsedStrings = new(StringComparer.Ordinal);

    public JsonNode? Expand(JsonNode template, JsonNode data)
    {
        // The data is only read: bound values are copied where they land in the card (ToNode).
        return ExpandNode(template, new EvaluationScope(data, data, null));
    }

    private JsonNode? ExpandNode(JsonNode? node, EvaluationScope scope) => node switch
    {
        JsonArray array => ExpandArray(array, scope),
        JsonObject obj => ExpandObject(obj, scope),
        JsonValue value when value.TryGetValue<string>(out var text) => ExpandString(text, scope),
        _ => node?.DeepClone(),
    };

    private JsonArray ExpandArray(JsonArray array, EvaluationScope scope)
    {
        var result = new JsonArray();
        foreach (var item in array)
        {
            var expanded = ExpandNode(item, scope);
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

    /// <summary>Null when nothing is left ($when false, empty $data), an array when $data repeated it.</summary>
    private JsonNode? ExpandObject(JsonObject obj, EvaluationScope scope)
    {
        var contexts = new List<EvaluationScope>();
        if (!obj.TryGetPropertyValue("$data", out var dataBinding)) contexts.Add(scope);
        else
        {
            var bound = dataBinding is JsonValue v && v.TryGetValue<string>(out var text) ? BindData(text, scope) : TemplateExpression.FromNode(dataBinding);
            if (bound is JsonArray items)
                contexts.AddRange(items.Select((item, i) => scope with { Data = TemplateExpression.FromNode(item), Index = i }));
            else contexts.Add(bound is null ? scope : scope with { Data = bound });
        }

        var results = new List<JsonObject>();
        foreach (var context in contexts)
        {
            if (obj.TryGetPropertyValue("$when", out var when) && !IsWhenTrue(when, context)) continue;
            var properties = new List<KeyValuePair<string, JsonNode?>>(obj.Count);
            foreach (var (key, value) in obj)
                if (!ReservedKeys.Contains(key)) properties.Add(new(key, ExpandNode(value, context)));
            results.Add(new JsonObject(properties)); // sized once, not grown key by key
        }
        return results.Count switch
        {
            0 => null,
            1 => results[0],
            _ => new JsonArray([.. results]),
        };
    }

    private bool IsWhenTrue(JsonNode? when, EvaluationScope scope)
    {
        // A $when that is not a binding, fails, or is not a boolean drops the element (as the official engine does).
        if (when is not JsonValue v || !v.TryGetValue<string>(out var text) || Parse(text) is not TemplateExpression expression) return false;
        try { return expression.Evaluate(scope) is true; }
        catch (TemplateException) { return false; }
    }

    /// <summary>What a <c>$data</c> binding iterates or scopes to: the bound data itself, not a copy (it is only read).</summary>
    private object? BindData(string text, EvaluationScope scope)
    {
        if (Parse(text) is not TemplateExpression single)
            return TemplateExpression.FromNode(ExpandString(text, scope));
        var value = single.Evaluate(scope);
        return value is JsonNode node ? node : TemplateExpression.FromNode(ToNode(single, value));
    }

    private JsonNode? ExpandString(string text, EvaluationScope scope) => Parse(text) switch
    {
        TemplateExpression single => ToNode(single, single.Evaluate(scope)),
        IReadOnlyList<object> parts => JsonValue.Create(Concat(parts, scope)),
        _ => JsonValue.Create(text),
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

    /// <summary>The literal text, one expression (a whole-string binding), or literal/expression parts; cached per template string.</summary>
    private object Parse(string text) => _parsedStrings.GetOrAdd(text, ParseInterpolated);

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
