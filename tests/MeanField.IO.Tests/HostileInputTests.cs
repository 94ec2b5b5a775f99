using System.Diagnostics;
using MeanField.IO.Config;

namespace MeanField.IO.Tests;

/// <summary>Hostile or absurd input ends in a config error that names the place, fast, instead of a crash or a hang.</summary>
public class HostileInputTests
{
    private static string ErrorOf(string text, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.LoadText(text, "h.yaml", "h", overrides))!.Message;

    [Test]
    public void Two_hundred_thousand_nested_brackets_are_refused_without_overflowing_the_stack()
    {
        string text = "geometry: circle\nmodel: {beta: " + new string('[', 200_000) + new string(']', 200_000) + "}\n";
        Assert.That(ErrorOf(text), Does.StartWith("h.yaml:2:").And.Contain("nests deeper than 32"));
        Assert.That(ErrorOf("geometry: circle\n", "model.beta=" + new string('[', 100_000)), Does.StartWith("--set model.beta=").And.Contain("nests deeper"));
    }

    [Test]
    public void A_self_referencing_alias_in_set_is_refused()
    {
        Assert.That(ErrorOf("geometry: circle\n", "model.beta=&a [*a]"), Does.StartWith("--set model.beta=&a [*a]").And.Contain("anchors"));
    }

    [Test]
    public void Billion_laughs_is_refused_at_once()
    {
        var levels = new List<string> { "&a [x, x, x, x, x, x, x, x, x]" };
        for (char c = 'b'; c <= 'i'; c++) levels.Add($"&{c} [{string.Join(", ", Enumerable.Repeat($"*{(char)(c - 1)}", 9))}]");
        var clock = Stopwatch.StartNew();
        Assert.That(ErrorOf("geometry: circle\n", $"initial.coefficients=[{string.Join(", ", levels)}]"), Does.Contain("anchors"));
        Assert.That(ErrorOf($"geometry: circle\nlaughs: [{string.Join(", ", levels)}]\n"), Does.StartWith("h.yaml:2:"));
        Assert.That(clock.Elapsed.TotalSeconds, Is.LessThan(2), "refused before any expansion");
    }

    [TestCase("geometry: circle\nsolver: {stepper: rk4, dt: 1.0e-300}\n", "solver.dt")]
    [TestCase("geometry: circle\nsolver: {kind: particles, t_end: 1.0e6}\nparticles: {dt: 1.0e-4}\n", "particles.dt")]
    public void A_step_needing_more_than_a_billion_steps_is_refused(string text, string key)
    {
        Assert.That(ErrorOf(text), Does.Contain(key).And.Contain("at most 1E+09 fixed steps"));
    }

    [Test]
    public void The_adaptive_first_trial_step_may_be_tiny()
    {
        // dopri5 grows its first trial step; only fixed steps count.
        Assert.That(ConfigLoader.LoadText("geometry: circle\nsolver: {stepper: dopri5, dt: 1.0e-300}\n", "h.yaml", "h").Solver.Dt, Is.EqualTo(1e-300));
    }
}
