using MeanField.Core;
namespace MeanField.Analysis;

/// <summary>A smooth function and its derivative at one point.</summary>
internal delegate (double Value, double Derivative) SmoothFunction(double x);

/// <summary>
/// The workhorse of the "smooth CDF minus step CDF" distances: ∫ |F(x) − s_p − α| w(x) dx over panels [x_p, x_{p+1}] on
/// which the step function equals s_p, for a smooth F (the CDF of a density) given with its derivative.
/// </summary>
/// <remarks>
/// Exactness argument: where the density F' is ≥ 0, F − s_p − α is monotone on each panel, so it has at most one root
/// there, detected by a sign change at the panel's ends and found by safeguarded Newton (bisection fallback) to
/// ~1 ulp of the panel. Each panel is split at its root and each piece integrated by 8-point Gauss–Legendre, which is at
/// rounding level when the callers keep panels short against the scale on which F varies. Where F' &lt; 0 somewhere
/// (a band-limited density that undershoots), a panel can hide two roots; the callers' panels are short enough that the
/// resulting error is of order (panel length)·(undershoot), which is documented at the public entry points.
/// </remarks>
internal sealed class StepL1
{
    private readonly double[] _x;      // panel edges, nondecreasing, length P+1
    private readonly double[] _step;   // step value on each panel, length P
    private readonly double[] _fEdge;  // F at the edges
    private readonly SmoothFunction _f;
    private readonly Func<double, double>? _weight;

    public StepL1(double[] edges, double[] stepValues, SmoothFunction f, Func<double, double>? weight = null)
    {
        _x = edges;
        _step = stepValues;
        _f = f;
        _weight = weight;
        _fEdge = new double[edges.Length];
        for (int i = 0; i < edges.Length; i++) _fEdge[i] = f(edges[i]).Value;
    }

    public int PanelCount => _step.Length;

    /// <summary>Total length of the panels.</summary>
    public double Length => _x[^1] - _x[0];

    /// <summary>Root of F(x) − c on [a, b] given F(a) − c and F(b) − c of opposite signs.</summary>
    private double Root(double a, double b, double ga, double c)
    {
        double lo = a, hi = b;
        bool loNegative = ga < 0;
        double x = 0.5 * (a + b);
        for (int it = 0; it < 200; it++)
        {
            var (v, d) = _f(x);
            double g = v - c;
            if (g == 0) return x;
            if ((g < 0) == loNegative) lo = x; else hi = x;
            double next = d != 0 ? x - g / d : double.NaN;
            // Newton when it stays strictly inside the bracket, else bisect: convergence is guaranteed either way.
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (Math.Abs(next - x) <= 1e-14 * Math.Max(1.0, Math.Abs(x)) || hi - lo <= 4e-16 * Math.Max(1.0, Math.Abs(x)))
                return next;
            x = next;
        }
        return x;
    }

    /// <summary>Lebesgue measure of {x : F(x) − s(x) &lt; α} (unweighted).</summary>
    public double MeasureBelow(double alpha)
    {
        double m = 0;
        for (int p = 0; p < _step.Length; p++)
        {
            double a = _x[p], b = _x[p + 1];
            if (b <= a) continue;
            double c = _step[p] + alpha;
            double ga = _fEdge[p] - c, gb = _fEdge[p + 1] - c;
            if (ga < 0 && gb < 0) m += b - a;
            else if (ga >= 0 && gb >= 0) { }
            else
            {
                double r = Root(a, b, ga, c);
                m += ga < 0 ? r - a : b - r;
            }
        }
        return m;
    }

    /// <summary>Range of F − s over the panel edges (brackets the median for monotone F).</summary>
    public (double Min, double Max) EdgeRange()
    {
        double mn = double.PositiveInfinity, mx = double.NegativeInfinity;
        for (int p = 0; p < _step.Length; p++)
        {
            double u = _fEdge[p] - _step[p], v = _fEdge[p + 1] - _step[p];
            mn = Math.Min(mn, Math.Min(u, v));
            mx = Math.Max(mx, Math.Max(u, v));
        }
        return (mn, mx);
    }

    /// <summary>
    /// The α minimising Φ(α) = ∫|F − s − α| dx: Φ is convex with Φ'(α) = m{F − s &lt; α} − m{F − s &gt; α}, so α is
    /// the Lebesgue median of F − s, found by bisection on the monotone function m{F − s &lt; α} to ~1e−15.
    /// An error δ in α changes Φ by O(δ²) only.
    /// </summary>
    public double MedianShift()
    {
        var (lo, hi) = EdgeRange();
        double half = 0.5 * Length;
        for (int it = 0; it < 200 && hi - lo > 1e-15 * Math.Max(1.0, Math.Abs(lo)); it++)
        {
            double mid = 0.5 * (lo + hi);
            if (MeasureBelow(mid) < half) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>∫ |F − s − α| w dx, splitting each panel at its root.</summary>
    public double AbsoluteIntegral(double alpha)
    {
        double total = 0;
        for (int p = 0; p < _step.Length; p++)
        {
            double a = _x[p], b = _x[p + 1];
            if (b <= a) continue;
            double c = _step[p] + alpha;
            double ga = _fEdge[p] - c, gb = _fEdge[p + 1] - c;
            if ((ga < 0 && gb > 0) || (ga > 0 && gb < 0))
            {
                double r = Root(a, b, ga, c);
                total += Piece(a, r, c) + Piece(r, b, c);
            }
            else total += Piece(a, b, c);
        }
        return total;
    }

    private double Piece(double a, double b, double c)
    {
        if (b <= a) return 0;
        var (nodes, weights) = GaussLegendre.Rule8;
        double half = 0.5 * (b - a), mid = 0.5 * (a + b), s = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            double x = mid + half * nodes[i];
            double g = Math.Abs(_f(x).Value - c);
            s += weights[i] * (_weight is null ? g : g * _weight(x));
        }
        return s * half;
    }
}
