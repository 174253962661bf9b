using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace CrmBot.Core.Data;

/// <summary>
/// A shared report definition run as a compiled query (<see cref="EF.CompileAsyncQuery{TContext,TResult}(Expression{Func{TContext,DbSet{TResult}}})"/>),
/// without writing it a second time. An ad-hoc query costs EF, on every run, building our LINQ tree, funcletizing it and
/// hashing it for its cache: for a report of small reads (a rep's action plan) that is most of the request.
/// <para>
/// The definition is built once per sample of <typeparamref name="TArgs"/> (the first two differ in every scalar property;
/// others lie across the boundaries a definition might branch on). The trees must have the same shape, member for member.
/// In them, every value a closure captured is compared: a captured query is inlined (as EF does); a value equal in all is
/// part of the query's shape and becomes a constant (as <see cref="EF.Constant{T}"/> asks); a value that differs must be
/// the value of exactly one scalar property in every sample, and becomes that query parameter. Any other value makes the first run throw: it would
/// otherwise be fixed in the query for every later caller. So a definition that derives a value (now + 7 days) needs the
/// derived value as a property of <typeparamref name="TArgs"/>. A list of ids (a team's owners) is one argument too: a
/// <see cref="List{T}"/> of int property, compared item by item, which EF sends as a collection parameter.
/// </para>
/// The caller keeps the shape fixed (one owner, say); EF binds a compiled query to one model, so it is built per model.
/// </summary>
public sealed class CompiledDefinition<TArgs, TResult> where TArgs : notnull
{
    private readonly Func<CrmDbContext, TArgs, IQueryable<TResult>> _definition;
    private readonly TArgs[] _samples;
    private readonly PropertyInfo[] _arguments;
    private readonly ConditionalWeakTable<IModel, Func<CrmDbContext, TArgs, IAsyncEnumerable<TResult>>> _byModel = new();

    /// <param name="samples">Two or more; the first two differ in every scalar property. Further samples lie on the other side
    /// of the boundaries a definition may branch on (a first page, a zero threshold, a clock past the quarter).</param>
    public CompiledDefinition(Func<CrmDbContext, TArgs, IQueryable<TResult>> definition, params TArgs[] samples)
    {
        _definition = definition;
        _samples = samples.Length >= 2 ? samples : throw new ArgumentException("Two samples at least.", nameof(samples));
        _arguments = typeof(TArgs).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => IsArgument(p.PropertyType)).ToArray();
        if (_arguments.Length is 0 or > 15)   // EF compiles queries of up to 15 parameters besides the context
            throw new ArgumentException($"{typeof(TArgs).Name} has {_arguments.Length} properties that can be arguments; 1 to 15 can be query parameters.");
        if (_arguments.FirstOrDefault(p => SameValue(p.GetValue(samples[0]), p.GetValue(samples[1]))) is { } same)
            throw new ArgumentException($"The samples must differ in every argument; both have {same.Name} = {Show(same.GetValue(samples[0]))}.");
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
        var body = Parameterize([.. _samples.Select(sample => _definition(db, sample).Expression)], context, parameters);

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

    /// <summary>The first tree with its captured values replaced; the others are the same tree built from the other samples.</summary>
    private Expression Parameterize(Expression[] trees, ParameterExpression context, ParameterExpression[] parameters)
    {
        var built = trees.Select(Captured.In).ToArray();
        if (built.Any(b => !b.Shape.SequenceEqual(built[0].Shape)))
            throw new InvalidOperationException($"{Describe()}: the samples built queries of different shapes (the definition branches on an argument).");

        var replacements = new Dictionary<Expression, Expression>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < built[0].Nodes.Count; i++)
        {
            var node = built[0].Nodes[i];
            var values = built.Select(b => Captured.Value(b.Nodes[i])).ToArray();
            replacements[node] = values[0] switch
            {
                CrmDbContext => context,
                IQueryable => Parameterize([.. values.Select(v => ((IQueryable)v!).Expression)], context, parameters),
                _ when values.All(v => SameValue(v, values[0])) => Expression.Constant(values[0], node.Type),
                _ => Argument(node, values, parameters),
            };
        }
        return new Replacer(replacements).Visit(trees[0])!;
    }

    private Expression Argument(Expression node, object?[] values, ParameterExpression[] parameters)
    {
        var matches = Enumerable.Range(0, _arguments.Length)
            .Where(i => _samples.Select(s => _arguments[i].GetValue(s)).Zip(values).All(v => SameValue(v.First, v.Second))).ToList();
        if (matches.Count != 1)
            throw new InvalidOperationException(matches.Count == 0
                ? $"{Describe()}: the captured value {node} ({string.Join(" / ", values.Select(Show))}) changes from call to call but is no property of {typeof(TArgs).Name}."
                : $"{Describe()}: the captured value {node} matches several properties of {typeof(TArgs).Name}; make the samples differ.");
        var parameter = parameters[matches[0]];
        return parameter.Type == node.Type ? parameter : Expression.Convert(parameter, node.Type);
    }

    private string Describe() => $"Compiled definition of {typeof(TResult).Name} rows over {typeof(TArgs).Name}";

    private static string? Show(object? value) => value is IEnumerable items and not string ? $"[{string.Join(", ", items.Cast<object?>())}]" : value?.ToString();

    private static bool SameValue(object? a, object? b) =>
        Equals(a, b) || (a is IEnumerable ea and not string && b is IEnumerable eb && ea.Cast<object?>().SequenceEqual(eb.Cast<object?>()));

    private static bool IsArgument(Type type) => IsScalar(type) || type == typeof(List<int>);

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
        private readonly List<(ExpressionType, Type, MemberInfo?)> _shape = [];

        public static (List<Expression> Nodes, List<(ExpressionType, Type, MemberInfo?)> Shape) In(Expression tree)
        {
            var visitor = new Captured();
            visitor.Visit(tree);
            return (visitor._nodes, visitor._shape);
        }

        public override Expression? Visit(Expression? node)
        {
            // With the member or method: a definition choosing OrderBy or OrderByDescending, DueAt or CompletedAt, by an
            // argument builds the same kinds and types of nodes.
            if (node is not null)
                _shape.Add((node.NodeType, node.Type, node switch { MemberExpression m => m.Member, MethodCallExpression c => c.Method, _ => null }));
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

    /// <summary>Puts the replacements in; query roots lose the provider of the context they were built with, which the
    /// compiled query (held for the life of the process) would otherwise keep alive.</summary>
    private sealed class Replacer(Dictionary<Expression, Expression> replacements) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) => node switch
        {
            not null when replacements.TryGetValue(node, out var replacement) => replacement,
            QueryRootExpression root => root.DetachQueryProvider(),
            _ => base.Visit(node),
        };
    }
}
