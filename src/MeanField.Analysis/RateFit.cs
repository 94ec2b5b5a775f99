using MathNet.Numerics.Distributions;

namespace MeanField.Analysis;

/// <summary>
/// A fitted rate err ≈ e^a N^p on log–log axes.
/// </summary>
/// <param name="Slope">p.</param>
/// <param name="Intercept">a (natural log).</param>
/// <param name="SlopeStandardError">The larger of the residual-based and the seed-spread-based standard errors.</param>
/// <param name="ResidualStandardError">s/√Sxx from the residuals of the per-N means (NaN with fewer than 3 N values).</param>
/// <param name="SeedStandardError">√(Σ(x_i − x̄)² v_i)/Sxx with v_i the variance of the mean log error at N_i from the
/// seed spread (NaN when no N has two seeds).</param>
/// <param name="DegreesOfFreedom">Of the t quantile: n − 2 for the residual error, Σ(m_i − 1) for the seed one.</param>
/// <param name="ConfidenceLevel">E.g. 0.95.</param>
/// <param name="Lower">Lower end of the slope's confidence interval.</param>
/// <param name="Upper">Upper end.</param>
/// <param name="RSquared">1 − SS_res/SS_tot of the per-N means.</param>
/// <param name="PointCount">Number of distinct N.</param>
public sealed record RateFitResult(double Slope, double Intercept, double SlopeStandardError, double ResidualStandardError,
    double SeedStandardError, double DegreesOfFreedom, double ConfidenceLevel, double Lower, double Upper, double RSquared,
    int PointCount)
{
    /// <summary>Whether the fitted slope lies in [lo, hi].</summary>
    public bool SlopeWithin(double lo, double hi) => Slope >= lo && Slope <= hi;

    /// <summary>Whether the confidence interval contains <paramref name="value"/>.</summary>
    public bool IntervalContains(double value) => Lower <= value && value <= Upper;
}

/// <summary>Least-squares fit of log err = a + p log N on the per-N mean of log errors (several seeds per N).</summary>
public static class RateFit
{
    /// <summary>
    /// Fits the per-N means ȳ_i = mean_seeds log err at x_i = log N_i by ordinary least squares.
    /// The slope's standard error is the larger (conservative) of two estimates: from the residuals about the line
    /// (captures misfit and noise; n − 2 degrees of freedom) and from the seed spread propagated through the OLS weights
    /// (noise only; Σ(m_i − 1) degrees of freedom). The interval is slope ± t_{(1+level)/2, dof}·SE (Student t, MathNet).
    /// Needs at least two distinct N and, to give an interval, either three N or repeated seeds. Errors must be &gt; 0.
    /// </summary>
    public static RateFitResult Fit(IEnumerable<(double N, double Error)> samples, double confidenceLevel = 0.95)
    {
        if (!(confidenceLevel > 0 && confidenceLevel < 1)) throw new ArgumentOutOfRangeException(nameof(confidenceLevel));
        var groups = samples
            .Select(s => (s.N, s.Error) is var (n, e) && n > 0 && e > 0 && double.IsFinite(e)
                ? (n, e) : throw new ArgumentException($"N and errors must be positive and finite (N = {s.N}, err = {s.Error})"))
            .GroupBy(s => s.n)
            .OrderBy(g => g.Key)
            .Select(g => (X: Math.Log(g.Key), Logs: g.Select(s => Math.Log(s.e)).ToArray()))
            .ToArray();
        int np = groups.Length;
        if (np < 2) throw new ArgumentException("need at least two distinct N");
        var x = groups.Select(g => g.X).ToArray();
        var y = groups.Select(g => g.Logs.Average()).ToArray();
        double xm = x.Average(), ym = y.Average(), sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < np; i++)
        {
            sxx += (x[i] - xm) * (x[i] - xm);
            sxy += (x[i] - xm) * (y[i] - ym);
            syy += (y[i] - ym) * (y[i] - ym);
        }
        double slope = sxy / sxx, intercept = ym - slope * xm, ssRes = 0;
        for (int i = 0; i < np; i++) { double r = y[i] - intercept - slope * x[i]; ssRes += r * r; }
        double r2 = syy > 0 ? 1 - ssRes / syy : 1;

        double seResid = double.NaN, dofResid = np - 2;
        if (np > 2) seResid = Math.Sqrt(ssRes / (np - 2) / sxx);

        // Seed spread: v_i = (sample variance of the seeds' log errors)/m_i; with a pooled variance for N that has one seed.
        double pooledNum = 0, dofSeed = 0;
        foreach (var g in groups)
        {
            int m = g.Logs.Length;
            if (m < 2) continue;
            double mean = g.Logs.Average();
            pooledNum += g.Logs.Sum(v => (v - mean) * (v - mean));
            dofSeed += m - 1;
        }
        double seSeed = double.NaN;
        if (dofSeed > 0)
        {
            double pooled = pooledNum / dofSeed, acc = 0;
            for (int i = 0; i < np; i++)
            {
                int m = groups[i].Logs.Length;
                double mean = groups[i].Logs.Average();
                double vi = m >= 2 ? groups[i].Logs.Sum(v => (v - mean) * (v - mean)) / (m - 1) / m : pooled;
                acc += (x[i] - xm) * (x[i] - xm) * vi;
            }
            seSeed = Math.Sqrt(acc) / sxx;
        }

        double se, dof;
        if (double.IsNaN(seResid) && double.IsNaN(seSeed)) { se = double.NaN; dof = double.NaN; }
        else if (double.IsNaN(seSeed) || (!double.IsNaN(seResid) && seResid >= seSeed)) { se = seResid; dof = dofResid; }
        else { se = seSeed; dof = dofSeed; }
        double lo = double.NaN, hi = double.NaN;
        if (!double.IsNaN(se))
        {
            double tq = StudentT.InvCDF(0, 1, dof, 0.5 * (1 + confidenceLevel));
            lo = slope - tq * se;
            hi = slope + tq * se;
        }
        return new RateFitResult(slope, intercept, se, seResid, seSeed, dof, confidenceLevel, lo, hi, r2, np);
    }
}
