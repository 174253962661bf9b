using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
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
    // As BotJson.Options writes (its encoder; no indentation): the card's bytes are sent inside Teams payloads as they are.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = BotJson.Options.Encoder, Indented = BotJson.Options.WriteIndented };

    // A template is compiled once (its bindings parsed, its keys encoded, its binding-free parts written out) and expanded
    // from that many times. Weak: a template parsed for one expansion (tests) does not stay.
    private readonly ConditionalWeakTable<JsonNode, Compiled> _compiled = new();

    // The card is written straight to JSON, not built as nodes and serialized: a rep's plan card is about 3,000 values.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The expanded card as UTF-8 JSON, written as every Teams payload is (<see cref="BotJson"/>): text as its characters.</summary>
    public byte[] ExpandToUtf8(JsonNode template, JsonNode data)
    {
        var compiled = _compiled.GetValue(template, Compile);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();   // not Clear: the bytes are overwritten anyway
        writer.Reset(buffer);
        try
        {
            // The data is only read: bound values are written where they land in the card.
            compiled.WriteValue(writer, new EvaluationScope(data, data, null));
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > 1024 * 1024)
                (t_buffer, t_writer) = (null, null);   // one huge card does not keep its buffer for the thread's life
        }
    }

    /// <summary>The expanded card as nodes (tests, and the templates' export).</summary>
    public JsonNode? Expand(JsonNode template, JsonNode data) => JsonNode.Parse(ExpandToUtf8(template, data));

    private abstract class Compiled
    {
        /// <summary>Where one value must stand (a property's value, the card itself): null when nothing is left.</summary>
        public abstract void WriteValue(Utf8JsonWriter writer, EvaluationScope scope);

        /// <summary>Inside an array: nothing when nothing is left, each item when it became several ($data repeated it, or an array spliced).</summary>
        public abstract void WriteItems(Utf8JsonWriter writer, EvaluationScope scope);
    }

    /// <summary>A part with no binding: written out once, copied as it is.</summary>
    private sealed class FixedPart(JsonNode? node) : Compiled
    {
        private readonly byte[]? _json = node is null ? null : JsonSerializer.SerializeToUtf8Bytes(node, BotJson.Options);
        // An array in an array is spliced into it (a fixed array holds no null and no array, or it would not be fixed).
        private readonly byte[][]? _items = node is JsonArray array ? [.. array.Select(i => JsonSerializer.SerializeToUtf8Bytes(i, BotJson.Options))] : null;

        public override void WriteValue(Utf8JsonWriter writer, EvaluationScope scope)
        {
            if (_json is null) writer.WriteNullValue();
            else writer.WriteRawValue(_json, skipInputValidation: true);
        }

        public override void WriteItems(Utf8JsonWriter writer, EvaluationScope scope)
        {
            if (_items is not null)
                foreach (var item in _items) writer.WriteRawValue(item, skipInputValidation: true);
            else if (_json is not null)
                writer.WriteRawValue(_json, skipInputValidation: true);
        }
    }

    private sealed class TextPart(object parsed) : Compiled
    {
        public override void WriteValue(Utf8JsonWriter writer, EvaluationScope scope) => WriteString(writer, parsed, scope, asItems: false);

        public override void WriteItems(Utf8JsonWriter writer, EvaluationScope scope) => WriteString(writer, parsed, scope, asItems: true);
    }

    private sealed class ArrayPart(Compiled[] items) : Compiled
    {
        public override void WriteValue(Utf8JsonWriter writer, EvaluationScope scope)
        {
            writer.WriteStartArray();
            WriteItems(writer, scope);
            writer.WriteEndArray();
        }

        // A nested array (or a repeated element) is spliced into its parent array.
        public override void WriteItems(Utf8JsonWriter writer, EvaluationScope scope)
        {
            foreach (var item in items)
                item.WriteItems(writer, scope);
        }
    }

    /// <summary>Null when nothing is left ($when false, empty $data), an array when $data repeated it.</summary>
    private sealed class ObjectPart(KeyValuePair<string, Compiled>[] properties, JsonNode? data, bool hasData, JsonNode? when, bool hasWhen) : Compiled
    {
        private readonly (JsonEncodedText Key, Compiled Value)[] _properties =
            [.. properties.Select(p => (JsonEncodedText.Encode(p.Key, BotJson.Options.Encoder), p.Value))];
        private readonly object? _dataText = data is JsonValue v && v.TryGetValue<string>(out var text) ? ParseInterpolated(text) : null;
        private readonly TemplateExpression? _when = when is JsonValue w && w.TryGetValue<string>(out var text) ? ParseInterpolated(text) as TemplateExpression : null;

        public override void WriteValue(Utf8JsonWriter writer, EvaluationScope scope)
        {
            if (Bind(scope, out var single) is not { } repeated)
            {
                if (single is { } one) Build(writer, one);
                else writer.WriteNullValue();
                return;
            }
            switch (repeated.Count)
            {
                case 0: writer.WriteNullValue(); break;
                case 1: Build(writer, repeated[0]); break;
                default:
                    writer.WriteStartArray();
                    foreach (var context in repeated) Build(writer, context);
                    writer.WriteEndArray();
                    break;
            }
        }

        public override void WriteItems(Utf8JsonWriter writer, EvaluationScope scope)
        {
            if (Bind(scope, out var single) is { } repeated)
                foreach (var context in repeated) Build(writer, context);
            else if (single is { } one)
                Build(writer, one);
        }

        /// <summary>The scopes the element is written in: one (or none) without a list to repeat over, else the list's items that pass $when.</summary>
        private List<EvaluationScope>? Bind(EvaluationScope scope, out EvaluationScope? single)
        {
            single = null;
            if (!hasData)
            {
                single = IsWhenTrue(scope) ? scope : null;
                return null;
            }
            var bound = _dataText is not null ? BindData(_dataText, scope) : TemplateExpression.FromNode(data);
            if (bound is not JsonArray items)
            {
                var context = bound is null ? scope : scope with { Data = bound };
                single = IsWhenTrue(context) ? context : null;
                return null;
            }
            var repeated = new List<EvaluationScope>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var context = scope with { Data = TemplateExpression.FromNode(items[i]), Index = i };
                if (IsWhenTrue(context))
                    repeated.Add(context);
            }
            return repeated;
        }

        private void Build(Utf8JsonWriter writer, EvaluationScope scope)
        {
            writer.WriteStartObject();
            foreach (var (key, value) in _properties)
            {
                writer.WritePropertyName(key);
                value.WriteValue(writer, scope);
            }
            writer.WriteEndObject();
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
    private static object? BindData(object parsed, EvaluationScope scope) => parsed switch
    {
        TemplateExpression single => Bound(single, single.Evaluate(scope)),
        IReadOnlyList<object> parts => Concat(parts, scope),
        string text => text,
        _ => throw new InvalidOperationException($"Not a parsed template string: {parsed}"),
    };

    /// <summary>A template string: one binding keeps the bound value's type; text with bindings in it becomes text.</summary>
    private static void WriteString(Utf8JsonWriter writer, object parsed, EvaluationScope scope, bool asItems)
    {
        switch (parsed)
        {
            case TemplateExpression single:
                WriteBound(writer, Bound(single, single.Evaluate(scope)), asItems);
                break;
            case IReadOnlyList<object> parts:
                writer.WriteStringValue(Concat(parts, scope));
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            default:
                throw new InvalidOperationException($"Not a parsed template string: {parsed}");
        }
    }

    /// <summary>What a whole-string binding stands for: a JSON value or node as it is, anything else its literal text.</summary>
    private static object? Bound(TemplateExpression expression, object? value) =>
        value is null or JsonNode or string or bool or double ? value : "${" + expression.Source + "}";

    private static void WriteBound(Utf8JsonWriter writer, object? value, bool asItems)
    {
        switch (value)
        {
            case null when asItems: break;   // dropped from its array
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case double d: writer.WriteNumberValue(d); break;
            case JsonArray array when asItems:
                foreach (var item in array)
                {
                    if (item is null) writer.WriteNullValue();
                    else item.WriteTo(writer, BotJson.Options);
                }
                break;
            case JsonNode node: node.WriteTo(writer, BotJson.Options); break;
            default: throw new InvalidOperationException($"Not a bound value: {value}");
        }
    }

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
