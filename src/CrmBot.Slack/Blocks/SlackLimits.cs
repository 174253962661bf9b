namespace CrmBot.Slack.Blocks;

/// <summary>Block Kit limits (docs.slack.dev/reference/block-kit; ../shared/protocols.md §8).</summary>
public static class SlackLimits
{
    public const int BlocksPerMessage = 50;
    public const int SectionText = 3000;
    public const int SectionFields = 10;
    public const int FieldText = 2000;
    public const int HeaderText = 150;
    public const int ButtonText = 75;
    public const int ButtonValue = 2000;
    public const int ButtonUrl = 3000;
    public const int ActionsElements = 25;
    public const int ContextElements = 10;
    /// <summary>A modal's title, submit and close labels (views reference).</summary>
    public const int ModalTitle = 24;
}
