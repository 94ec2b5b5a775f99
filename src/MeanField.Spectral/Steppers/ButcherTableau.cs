namespace MeanField.Spectral.Steppers;

/// <summary>An explicit Runge–Kutta tableau, optionally with an embedded lower-order solution for error control.</summary>
public sealed class ButcherTableau
{
    public required string Name { get; init; }
    public required double[][] A { get; init; }   // A[i][j], j < i
    public required double[] B { get; init; }
    public required double[] C { get; init; }
    /// <summary>Weights of the embedded solution; null for fixed-step methods.</summary>
    public double[]? BHat { get; init; }
    public required int Order { get; init; }
    /// <summary>True when the last stage is evaluated at the new solution (c = 1, A[last] = B), so its slope starts the next step.</summary>
    public bool FirstSameAsLast { get; init; }

    public int Stages => B.Length;

    public static ButcherTableau ClassicalRk4 { get; } = new()
    {
        Name = "rk4",
        Order = 4,
        C = [0, 0.5, 0.5, 1],
        A = [[], [0.5], [0, 0.5], [0, 0, 1]],
        B = [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6],
    };

    /// <summary>Dormand–Prince 5(4) (Hairer, Nørsett &amp; Wanner, DOPRI5): 5th-order solution, 4th-order embedded estimate, FSAL.</summary>
    public static ButcherTableau DormandPrince54 { get; } = new()
    {
        Name = "dopri5",
        Order = 5,
        FirstSameAsLast = true,
        C = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1],
        A =
        [
            [],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [44.0 / 45, -56.0 / 15, 32.0 / 9],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
            [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
        ],
        B = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0],
        BHat = [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40],
    };
}
