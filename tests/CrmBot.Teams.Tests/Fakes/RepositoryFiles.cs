namespace CrmBot.Teams.Tests.Fakes;

/// <summary>Files of the checkout and of ../shared (found upwards, so a git worktree nested deeper works too).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindUp(AppContext.BaseDirectory, d => File.Exists(Path.Combine(d, "CrmBot.sln")))
        ?? throw new InvalidOperationException("CrmBot.sln not found above " + AppContext.BaseDirectory);

    public static string Shared(string relative) =>
        FindUp(Path.GetDirectoryName(Root)!, d => File.Exists(Path.Combine(d, "shared", relative))) is { } dir
            ? Path.Combine(dir, "shared", relative)
            : throw new InvalidOperationException($"shared/{relative} not found beside the repository");

    private static string? FindUp(string start, Func<string, bool> match)
    {
        for (var dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
            if (match(dir)) return dir;
        return null;
    }
}
