using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CrmBot.Core.Data;

/// <summary>
/// A shared report definition run as a compiled query (<see cref="EF.CompileAsyncQuery{TContext,TResult}(Expression{Func{TContext,DbSet{TResult}}})"/>),
/// without writing it a second time. An ad-hoc query costs EF, on every run, building our LINQ tree, funcletizing it and
/// hashing it for its cache: for a report of small reads (a rep's action plan) that is most of the request.
/// <para>
/// The definition is built twice, with two samples of <typeparamref name="TArgs"/> that differ in every scalar property.
/// In the two trees, every value a closure captured is compared: a captured query is inlined (as EF does); a value equal in
/// both is part of the query's shape and becomes a constant (as <see cref="EF.Constant{T}"/> asks); a value that differs must be the value of exactly one scalar
/// property of the samples, and becomes that query parameter. Any other value makes the first run throw: it would
/// otherwise be fixed in the query for every later caller. So a definition that derives a value (now + 7 days) needs the
/// derived value as a property of <typeparamref name="TArgs"/>.
/// </para>
/// The caller keeps the shape fixed (one owner, say); EF binds a compiled query to one model, so it is built per model.
/// </summary>
public sealed class CompiledDefinition<TArgs, TResult> where TArgs : notnull
{
    private readonly Func<CrmDbContext, TArgs, IQueryable<TResult>> _definition;
    private readonly TArgs _sampleA, _sampleB;
    private readonly PropertyInfo[] _arguments;
    private readonly ConditionalWeakTable<IModel, Func<CrmDbContext, TArgs, IAsyncEnumerable<TResult>>> _byModel = new();

    public CompiledDefinition(Func<CrmDbContext, TArgs, IQueryable<TResult>> definition, TArgs sampleA, TArgs sampleB)
    {
        _definition = definition;
        (_sampleA, _sampleB) = (sampleA, sampleB);
        _arguments = typeof(TArgs).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => IsScalar(p.PropertyType)).ToArray();
        if (_arguments.Length is 0 or > 15)   // EF compiles queries of up to 15 parameters besides the context
            throw new ArgumentException($"{typeof(TArgs).Name} has {_arguments.Length} scalar properties; 1 to 15 can be query parameters.");
        if (_arguments.FirstOrDefault(p => Equals(p.GetValue(sampleA), p.GetValue(sampleB))) is { } same)
            throw new ArgumentException($"The samples must differ in every scalar property; both have {same.Name} = {same.GetValue(sampleA)}.");
    }

    /// <summary>The query's rows for these arguments.</summary>
    public IAsyncEnumerable<TResult> Run(CrmDbContext db, TArgs args) => _byModel.GetValue(db.Model, _ => Compile(db))(db, args);

    public async Task<List<TResult>> ToListAsync(CrmDbContext db, TArgs args, CancellationToken ct)
    {
        var rows = new List<TResult>();
        await foreach (var row in Run(db, args).WithCancellation(ct))
            rows.Add(row);
        return rows;
    }

    private Func<CrmDbContext, TArgs, IAsyncEnumerable<TResult>> Compile(CrmDbContext db)
    {
        var context = Expression.Parameter(typeof(CrmDbContext), "db");
        var parameters = _arguments.Select(p => Expression.Parameter(p.PropertyType, p.Name)).ToArray();
        var body = Parameterize(_definition(db, _sampleA).Expression, _definition(db, _sampleB).Expression, context, parameters);

        var types = new[] { typeof(CrmDbContext) }.Concat(parameters.Select(p => p.Type)).ToArray();
        var lambda = Expression.Lambda(Expression.GetFuncType([.. types, typeof(IQueryable<TResult>)]), body, [context, .. parameters]);
        var compile = typeof(EF).GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m =>
            m.Name == nameof(EF.CompileAsyncQuery) && m.GetGenericArguments().Length == types.Length + 1
            && m.ReturnType.GetGenericArguments()[^1].GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>)
            && m.GetParameters()[0].ParameterType.GetGenericArguments()[0].GetGenericArguments()[^1].GetGenericTypeDefinition() == typeof(IQueryable<>));
        var compiled = (Delegate)compile.MakeGenericMethod([.. types, typeof(TResult)]).Invoke(null, [lambda])!;

        // A typed call of the compiled delegate with the arguments' properties: no reflection per run.
        var dbArg = Expression.Parameter(typeof(CrmDbContext), "db");
        var argsArg = Expression.Parameter(typeof(TArgs), "args");
        var call = Expression.Invoke(Expression.Constant(compiled), [dbArg, .. _arguments.Select(p => Expression.Property(argsArg, p))]);
        return Expression.Lambda<Func<CrmDbContext, TArgs, IAsyncEnumerable<TResult>>>(call, dbArg, argsArg).Compile();
    }

    /// <summary>Tree <paramref name="a"/> with its captured values replaced; <paramref name="b"/> is the same tree built from the other sample.</summary>
    private Expression Parameterize(Expression a, Expression b, ParameterExpression context, ParameterExpression[] parameters)
    {
        var (capturedA, shapeA) = Captured.In(a);
        var (capturedB, shapeB) = Captured.In(b);
        if (!shapeA.SequenceEqual(shapeB))
            throw new InvalidOperationException($"{Describe()}: the two samples built queries of different shapes.");

        var replacements = new Dictionary<Expression, Expression>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < capturedA.Count; i++)
        {
            var node = capturedA[i];
            object? va = Captured.Value(node), vb = Captured.Value(capturedB[i]);
            replacements[node] = va switch
            {
                CrmDbContext => context,
                IQueryable qa => Parameterize(qa.Expression, ((IQueryable)vb!).Expression, context, parameters),
                _ when SameValue(va, vb) => Expression.Constant(va, node.Type),
                _ => Argument(node, va, vb, parameters),
            };
        }
        return new Replacer(replacements).Visit(a)!;
    }

    private Expression Argument(Expression node, object? va, object? vb, ParameterExpression[] parameters)
    {
        var matches = Enumerable.Range(0, _arguments.Length)
            .Where(i => Equals(_arguments[i].GetValue(_sampleA), va) && Equals(_arguments[i].GetValue(_sampleB), vb)).ToList();
        if (matches.Count != 1)
            throw new InvalidOperationException(matches.Count == 0
                ? $"{Describe()}: the captured value {node} ({va} / {vb}) changes from call to call but is no property of {typeof(TArgs).Name}."
                : $"{Describe()}: the captured value {node} matches several properties of {typeof(TArgs).Name}; make the samples differ.");
        var parameter = parameters[matches[0]];
        return parameter.Type == node.Type ? parameter : Expression.Convert(parameter, node.Type);
    }

    private string Describe() => $"Compiled definition of {typeof(TResult).Name} rows over {typeof(TArgs).Name}";

    private static bool SameValue(object? a, object? b) =>
        Equals(a, b) || (a is IEnumerable ea and not string && b is IEnumerable eb && ea.Cast<object?>().SequenceEqual(eb.Cast<object?>()));

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateOnly)
            || t == typeof(DateTimeOffset) || t == typeof(TimeSpan) || t == typeof(Guid);
    }

    /// <summary>
    /// Nodes whose value a closure (or a static member) holds, member chains rooted in a constant, and constants (Skip's
    /// count is one); with the tree's shape: every node's kind and type, in order.
    /// </summary>
    private sealed class Captured : ExpressionVisitor
    {
        private readonly List<Expression> _nodes = [];
        private readonly List<(ExpressionType, Type)> _shape = [];

        public static (List<Expression> Nodes, List<(ExpressionType, Type)> Shape) In(Expression tree)
        {
            var visitor = new Captured();
            visitor.Visit(tree);
            return (visitor._nodes, visitor._shape);
        }

        public override Expression? Visit(Expression? node)
        {
            if (node is not null)
                _shape.Add((node.NodeType, node.Type));
            return base.Visit(node);
        }

        public static object? Value(Expression node) => node switch
        {
            ConstantExpression c => c.Value,
            MethodCallExpression call => Value(call.Arguments[0]),
            MemberExpression { Member: FieldInfo f } m => f.GetValue(m.Expression is null ? null : Value(m.Expression)),
            MemberExpression { Member: PropertyInfo p } m => p.GetValue(m.Expression is null ? null : Value(m.Expression)),
            _ => throw new InvalidOperationException($"Not a captured value: {node}"),
        };

        private static bool IsChain(Expression? node) => node switch
        {
            null or ConstantExpression => true,
            MemberExpression m => IsChain(m.Expression),
            _ => false,
        };

        protected override Expression VisitMember(MemberExpression node)
        {
            if (!IsChain(node.Expression))
                return base.VisitMember(node);
            _nodes.Add(node);
            return node;
        }

        // EF.Constant(captured) is the captured value, inlined: in a compiled query EF refuses the call itself.
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType != typeof(EF) || node.Method.Name != nameof(EF.Constant) || !IsChain(node.Arguments[0]))
                return base.VisitMethodCall(node);
            _nodes.Add(node);
            return node;
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            _nodes.Add(node);
            return node;
        }
    }

    private sealed class Replacer(Dictionary<Expression, Expression> replacements) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) =>
            node is not null && replacements.TryGetValue(node, out var replacement) ? replacement : base.Visit(node);
    }
}
