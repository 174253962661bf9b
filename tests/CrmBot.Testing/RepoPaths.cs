namespace CrmBot.Testing;

/// <summary>Where the repository and the shared data sets (../shared next to the checkout) are, from a test's bin directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrmBot.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"CrmBot.sln not found above {AppContext.BaseDirectory}.");
    });

    /// <summary>The directory holding CrmBot.sln.</summary>
    public static string Root => RootPath.Value;

    public static string Cards => Path.Combine(Root, "cards");

    /// <summary>artifacts/cards: what C# tests write for the JS judges (tests/js/cards) to read.</summary>
    public static string CardArtifacts => Path.Combine(Root, "artifacts", "cards");

    /// <summary>
    /// ../shared relative to the repository root. A git worktree sits one level deeper than the main
    /// checkout, so the nearest "shared" directory above the root is used.
    /// </summary>
    public static string Shared => SharedPath.Value;

    private static readonly Lazy<string> SharedPath = new(() =>
    {
        for (var dir = Directory.GetParent(Root); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "data")))
                return candidate;
        }
        throw new InvalidOperationException($"No shared/ directory above {Root}: check out the repository next to shared/.");
    });

    /// <summary>../shared/data/&lt;dataSet&gt;.</summary>
    public static string SharedData(string dataSet) => Path.Combine(Shared, "data", dataSet);

    public static string Maven => SharedData("maven-crm-sales-opportunities");

    public static string Zoho => SharedData("zoho-crm-sample");

    /// <summary>A writable copy of a data set, for tests that break or change a file; deleted with the returned handle.</summary>
    public static TempDirectory CopyOf(string dataSetDirectory)
    {
        var copy = new TempDirectory();
        foreach (var file in Directory.GetFiles(dataSetDirectory))
        {
            var target = Path.Combine(copy.Path, System.IO.Path.GetFileName(file));
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal); // the shared originals are read-only
        }
        return copy;
    }
}

public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"crmbot-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } // best effort: a temp dir
    }
}
