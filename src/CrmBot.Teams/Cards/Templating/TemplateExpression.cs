using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrmBot.Teams.Cards.Templating;

/// <summary>
/// The part of the Adaptive Expressions language our card templates use, evaluated the way
/// adaptivecards-templating 2.3 (on adaptive-expressions) does: property paths from <c>$data</c>,
/// <c>$root</c>, <c>$index</c>; string/number/bool/null literals; <c>== != &lt; &gt; &lt;= &gt;= &amp;&amp; || !</c>;
/// and the functions <c>not</c>, <c>if</c>, <c>count</c>, <c>empty</c>. Anything else is a template
/// error (thrown), so a designer's edit that needs more fails a test instead of rendering wrong.
/// </summary>
internal abstract record TemplateExpression
{
    /// <summary>Value of a path that the data does not have (AEL's "undefined").</summary>
    public static readonly object Missing = new();

    public required string Source { get; init; }

    public abstract object? Evaluate(EvaluationScope scope);

    public static TemplateExpression Parse(string source) => new Parser(source).ParseAll();

    /// <summary>AEL's truthiness: false and null/undefined are false, everything else is true.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        bool b => b,
        null => false,
        _ when value == Missing => false,
        _ => true,
    };

    internal sealed record Literal(object? Value) : TemplateExpression
    {
        public override object? Evaluate(EvaluationScope scope) => Value;
    }

    /// <summary>A property path such as <c>name</c>, <c>$root.title</c>, <c>rows[0].cells</c>.</summary>
    internal sealed record PathExpression(string Head, IReadOnlyList<TemplateExpression> Segments) : TemplateExpression
    {
        public override object? Evaluate(EvaluationScope scope)
        {
            object? value = Head switch
            {
                "$root" => scope.Root,
                "$data" => scope.Data,
                "$index" => scope.Index is int i ? (double)i : Missing,
                _ => Member(scope.Data, Head),
            };
            foreach (var segment in Segments)
            {
                var key = segment.Evaluate(scope);
                value = key switch
                {
                    string name => Member(value, name),
                    double d when value is JsonArray array && d >= 0 && d < array.Count && d == Math.Floor(d) => FromNode(array[(int)d]),
                    _ => Missing,
                };
            }
            return value;
        }

        private static object? Member(object? target, string name) =>
            target is JsonObject obj && obj.TryGetPropertyValue(name, out var node) ? FromNode(node) : Missing;
    }

    internal sealed record Call(string Function, IReadOnlyList<TemplateExpression> Arguments) : TemplateExpression
    {
        public override object? Evaluate(EvaluationScope scope)
        {
            object? Arg(int i) => Arguments[i].Evaluate(scope);
            return (Function, Arguments.Count) switch
            {
                ("not", 1) => !IsTrue(Arg(0)),
                ("if", 3) => IsTrue(Arg(0)) ? Arg(1) : Arg(2),
                ("count", 1) => Arg(0) switch
                {
                    JsonArray a => (double)a.Count,
                    string s => (double)s.Length,
                    _ => throw new TemplateException($"count() needs a list or text: {Source}"),
                },
                ("empty", 1) => Arg(0) switch
                {
                    null => true,
                    string s => s.Length == 0,
                    JsonArray a => a.Count == 0,
                    JsonObject o => o.Count == 0,
                    var v when v == Missing => true,
                    _ => false,
                },
                _ => throw new TemplateException($"Unsupported function {Function}/{Arguments.Count} in: {Source}"),
            };
        }
    }

    internal sealed record Unary(TemplateExpression Operand) : TemplateExpression
    {
        public override object? Evaluate(EvaluationScope scope) => !IsTrue(Operand.Evaluate(scope));
    }

    internal sealed record Binary(string Operator, TemplateExpression Left, TemplateExpression Right) : TemplateExpression
    {
        public override object? Evaluate(EvaluationScope scope)
        {
            if (Operator == "&&") return IsTrue(Left.Evaluate(scope)) && IsTrue(Right.Evaluate(scope));
            if (Operator == "||") return IsTrue(Left.Evaluate(scope)) || IsTrue(Right.Evaluate(scope));
            var (l, r) = (Normalize(Left.Evaluate(scope)), Normalize(Right.Evaluate(scope)));
            return Operator switch
            {
                "==" => AreEqual(l, r),
                "!=" => !AreEqual(l, r),
                _ when l is double a && r is double b => Operator switch
                {
                    "<" => a < b,
                    ">" => a > b,
                    "<=" => a <= b,
                    _ => a >= b,
                },
                // AEL fails a comparison of non-numbers; in $when that reads as false.
                _ => throw new TemplateException($"Cannot compare {l} and {r} in: {Source}"),
            };
        }

        private static object? Normalize(object? v) => v == Missing ? null : v;

        private static bool AreEqual(object? l, object? r) => (l, r) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (double a, double b) => a == b,
            (string a, string b) => a == b,
            (bool a, bool b) => a == b,
            (JsonNode a, JsonNode b) => JsonNode.DeepEquals(a, b),
            _ => false,
        };
    }

    /// <summary>JSON values become CLR values the operators understand; objects and arrays stay nodes.</summary>
    // Arms typed as object: JsonNode's implicit conversions would otherwise wrap the CLR values again.
    internal static object? FromNode(JsonNode? node) => node switch
    {
        null => (object?)null,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            // The card data holds ints, longs and doubles; reading the value is much cheaper than writing and parsing it.
            JsonValueKind.Number => v.TryGetValue<double>(out var d) ? d : v.TryGetValue<int>(out var i) ? i : v.TryGetValue<long>(out var l) ? l
                : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => (object)node,
    };

    private sealed class Parser(string text)
    {
        private int _pos;

        public TemplateExpression ParseAll()
        {
            var expression = ParseOr();
            SkipSpace();
            if (_pos != text.Length) throw Error("unexpected text");
            return expression;
        }

        private TemplateExpression ParseOr() => ParseChain(ParseAnd, "||");

        private TemplateExpression ParseAnd() => ParseChain(ParseComparison, "&&");

        private TemplateExpression ParseChain(Func<TemplateExpression> next, string op)
        {
            var left = next();
            while (TryTake(op)) left = new Binary(op, left, next()) { Source = text };
            return left;
        }

        private TemplateExpression ParseComparison()
        {
            var left = ParseUnary();
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
                if (TryTake(op)) return new Binary(op, left, ParseUnary()) { Source = text };
            return left;
        }

        private TemplateExpression ParseUnary() =>
            TryTake("!") ? new Unary(ParseUnary()) { Source = text } : ParsePrimary();

        private TemplateExpression ParsePrimary()
        {
            SkipSpace();
            if (_pos >= text.Length) throw Error("expression ends early");
            var c = text[_pos];
            if (c == '(')
            {
                _pos++;
                var inner = ParseOr();
                Expect(')');
                return inner;
            }
            if (c is '\'' or '"') return new Literal(ReadString(c)) { Source = text };
            if (char.IsDigit(c) || (c == '-' && _pos + 1 < text.Length && char.IsDigit(text[_pos + 1]))) return new Literal(ReadNumber()) { Source = text };
            var name = ReadIdentifier();
            switch (name)
            {
                case "true": return new Literal(true) { Source = text };
                case "false": return new Literal(false) { Source = text };
                case "null": return new Literal(null) { Source = text };
            }
            SkipSpace();
            if (_pos < text.Length && text[_pos] == '(')
            {
                _pos++;
                var args = new List<TemplateExpression>();
                if (!TryTake(")"))
                {
                    do args.Add(ParseOr()); while (TryTake(","));
                    Expect(')');
                }
                return new Call(name, args) { Source = text };
            }
            var segments = new List<TemplateExpression>();
            while (_pos < text.Length && text[_pos] is '.' or '[')
            {
                if (text[_pos++] == '.') segments.Add(new Literal(ReadIdentifier()) { Source = text });
                else
                {
                    segments.Add(ParseOr());
                    Expect(']');
                }
            }
            return new PathExpression(name, segments) { Source = text };
        }

        private string ReadIdentifier()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '$' or '@')) _pos++;
            if (start == _pos) throw Error("name expected");
            return text[start.._pos];
        }

        private string ReadString(char quote)
        {
            var end = text.IndexOf(quote, _pos + 1);
            if (end < 0) throw Error("unterminated string");
            var value = text[(_pos + 1)..end];
            _pos = end + 1;
            return value;
        }

        private double ReadNumber()
        {
            var start = _pos++;
            while (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] == '.')) _pos++;
            return double.Parse(text[start.._pos], CultureInfo.InvariantCulture);
        }

        private bool TryTake(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0) return false;
            // "<" must not swallow the first half of "<=", nor "!" the start of "!=".
            if (token is "<" or ">" or "!" && _pos + 1 < text.Length && text[_pos + 1] == '=') return false;
            _pos += token.Length;
            return true;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (_pos >= text.Length || text[_pos] != c) throw Error($"'{c}' expected");
            _pos++;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private TemplateException Error(string what) => new($"Template expression '{text}': {what} at {_pos}");
    }
}

/// <summary>What an expression sees: the whole data (<c>$root</c>), the current <c>$data</c> and <c>$index</c>.</summary>
internal sealed record EvaluationScope(JsonNode? Root, object? Data, int? Index);

public sealed class TemplateException(string message) : Exception(message);
