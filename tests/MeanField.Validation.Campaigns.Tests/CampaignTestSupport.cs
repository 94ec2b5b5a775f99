namespace MeanField.Validation.Campaigns.Tests;

/// <summary>Campaign files for the tests (temporary directories and the in-process command line: RunTestSupport, linked from MeanField.Runs.Tests).</summary>
internal static class CampaignTestSupport
{
    /// <summary>A small equiangular campaign (well under a second) with the given expect entries.</summary>
    public static string SmallCampaign(string directory, string expect, string extraParameters = "")
    {
        string path = Path.Combine(directory, "small.yaml");
        File.WriteAllText(path, $$"""
            name: small
            kind: equiangular
            reproduces: "MATH §10 row 21 at t = 0.5"
            parameters:
              dimension: 8
              count: 8
              times: [0.5]
              dt: 0.01
              invariants: {circle_count: 8, sphere_count: 8, time: 0.1}
            {{extraParameters}}
            quick:
              dt: 0.02
            expect:
            {{expect}}
            """);
        return path;
    }
}
