namespace CrmBot.Core.Import;

/// <summary>Where an import is, for a progress bar: <paramref name="Done"/> of <paramref name="Total"/> steps of <paramref name="Step"/>.</summary>
public sealed record ImportProgress(string Step, int Done, int Total);

/// <summary>Rows added and changed in one table (rows already equal to the file are neither).</summary>
public sealed record TableChanges(string Table, int Added, int Updated);

/// <summary>
/// The outcome of an import. When <see cref="Rejected"/> is not empty nothing was written: an import is
/// all or nothing, so a fixed file can simply be imported again.
/// </summary>
public sealed record ImportResult(IReadOnlyList<string> Rejected, IReadOnlyList<TableChanges> Changes, IReadOnlyList<string> Notes)
{
    public bool Succeeded => Rejected.Count == 0;

    public static ImportResult Failed(IReadOnlyList<string> rejected) => new(rejected, [], []);
}
