using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace CrmBot.Teams;

/// <summary>
/// The Teams app package an admin sideloads: manifests/teams/ (manifest.json with placeholders, the zh-tw
/// localization file, the two icons) zipped flat, with the Azure Bot's app id filled in.
/// </summary>
public static partial class TeamsAppPackage
{
    public const string AppIdPlaceholder = "{{MICROSOFT_APP_ID}}";
    public const string WebsitePlaceholder = "{{WEBSITE_URL}}";
    public static readonly string[] Files = ["manifest.json", "zh-tw.json", "color.png", "outline.png"];

    /// <summary>Writes the zip; throws <see cref="ArgumentException"/> with a readable message on bad input.</summary>
    public static void Build(string templateDirectory, string appId, string websiteUrl, Stream output)
    {
        if (!Guid.TryParseExact(appId, "D", out _))
            throw new ArgumentException($"The app id must be the Azure Bot's Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000; got '{appId}'.");
        if (!Uri.TryCreate(websiteUrl, UriKind.Absolute, out var site) || site.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"The website URL must be an absolute https URL; got '{websiteUrl}'.");
        foreach (var file in Files)
            if (!File.Exists(Path.Combine(templateDirectory, file)))
                throw new ArgumentException($"{file} is missing from {templateDirectory}.");

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var file in Files)
        {
            var entry = zip.CreateEntry(file, CompressionLevel.Optimal);
            using var target = entry.Open();
            if (file.EndsWith(".json", StringComparison.Ordinal))
            {
                var text = File.ReadAllText(Path.Combine(templateDirectory, file))
                    .Replace(AppIdPlaceholder, appId.ToLowerInvariant()).Replace(WebsitePlaceholder, websiteUrl);
                if (Placeholder().Match(text) is { Success: true } left)
                    throw new ArgumentException($"{file} still has the placeholder {left.Value}.");
                target.Write(new UTF8Encoding(false).GetBytes(text));
            }
            else
            {
                using var source = File.OpenRead(Path.Combine(templateDirectory, file));
                source.CopyTo(target);
            }
        }
    }

    [GeneratedRegex(@"\{\{[A-Z_]+\}\}")]
    private static partial Regex Placeholder();
}
