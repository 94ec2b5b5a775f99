using MeanField.IO.Config;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// One campaign kind (the <c>kind:</c> of a validation/*.yaml file). Run reads its parameters from the strict reader
/// (every unknown key is an error naming file:line; call <see cref="YamlMappingReader.Finish"/> before any work), runs,
/// and returns named metrics, tables and figure requests. Register new kinds in <see cref="CampaignKinds.All"/>.
/// </summary>
public interface ICampaign
{
    /// <summary>The <c>kind:</c> value, e.g. "circle-metastable".</summary>
    string Kind { get; }

    CampaignResult Run(YamlMappingReader parameters, CampaignContext context);
}

/// <summary>What a campaign may use while it runs: where to print progress, and whether this is the --quick version.</summary>
public sealed record CampaignContext(TextWriter Log, bool Quick);
