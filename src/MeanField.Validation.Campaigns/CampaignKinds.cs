namespace MeanField.Validation.Campaigns;

/// <summary>Every campaign kind, by its <c>kind:</c> name. Adding a kind: one class implementing <see cref="ICampaign"/> and one line here.</summary>
public static class CampaignKinds
{
    public static IReadOnlyList<ICampaign> All { get; } =
    [
        new CircleMetastableCampaign(),
        new EquiangularCampaign(),
        new DominantDegreeCampaign(),
        new ModerateInteractionCampaign(),
        new LongContextCampaign(),
        new NoisyTransitionCampaign(),
        new NoisyBifurcationCampaign(),
        new StochasticSynchronisationCampaign(),
        new PhaseDiagramCampaign(),
    ];

    public static IReadOnlyList<string> Names => All.Select(c => c.Kind).ToArray();

    public static ICampaign? Find(string kind) => All.FirstOrDefault(c => c.Kind == kind);
}
