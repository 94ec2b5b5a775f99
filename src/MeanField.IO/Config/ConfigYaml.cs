namespace MeanField.IO.Config;

/// <summary>
/// The resolved config (defaults filled in, overrides applied) as YAML: stored in every output file as /config.
/// It holds exactly the keys of <see cref="ConfigSchema"/> that have an effect for the run, so loading it again gives
/// the same run (the re-run test checks this for every shipped config).
/// </summary>
public static class ConfigYaml
{
    public static string Write(RunConfig c) => ConfigSchema.Yaml(c);
}
