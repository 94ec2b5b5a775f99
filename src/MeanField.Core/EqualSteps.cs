namespace MeanField.Core;

/// <summary>How many equal steps of at most dt cover a time span, so that the last one lands exactly on its end.</summary>
public static class EqualSteps
{
    /// <summary>⌈span/dt⌉, at least 1; the factor 1 − 1e−12 keeps a span that is a whole number of steps up to rounding from gaining one more.</summary>
    public static long Count(double span, double dt) => Math.Max(1, (long)Math.Ceiling(span / dt * (1 - 1e-12)));
}
