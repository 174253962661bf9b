namespace CrmBot.Testing;

/// <summary>Folders of the checked-out repository, found from the test binaries (the folder holding CrmBot.sln).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Cards => Path.Combine(Root, "cards");

    /// <summary>artifacts/cards: what C# tests write for the JS judges (tests/js/cards) to read.</summary>
    public static string CardArtifacts => Path.Combine(Root, "artifacts", "cards");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CrmBot.sln"))) return dir.FullName;
        throw new InvalidOperationException("CrmBot.sln not found above " + AppContext.BaseDirectory);
    }
}
