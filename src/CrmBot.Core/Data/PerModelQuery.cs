using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CrmBot.Core.Data;

/// <summary>
/// A compiled query (<see cref="EF.CompileAsyncQuery{TContext,TResult}(System.Linq.Expressions.Expression{Func{TContext,CancellationToken,TResult}})"/>)
/// for each model it meets. EF binds a compiled query to the one model it first ran with and refuses any other, while a
/// process may hold several: contexts configured differently (tests, tools) each get their own model.
/// </summary>
public sealed class PerModelQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();

    public TQuery For(DbContext db) => _byModel.GetValue(db.Model, _ => compile());
}
