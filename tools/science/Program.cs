using System.Diagnostics;
using System.Globalization;
using MeanField.Validation.Clustering;
using MeanField.Validation.ModerateInteraction;

// Usage: science clustering sphere|zonal|particles DIMENSION quick|full
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var clock = Stopwatch.StartNew();
string what = args.Length > 0 ? args[0] : "";
bool full = args.Contains("full");
switch (what)
{
    case "clustering":
    {
        var solver = Enum.Parse<GrowthSolver>(args[1], ignoreCase: true);
        int d = int.Parse(args[2]);
        var p = full ? DominantDegreeParameters.Full(solver, d) : DominantDegreeParameters.Quick(solver, d);
        var r = DominantDegreeExperiment.Run(p);
        Console.WriteLine($"# campaign 2: {solver}, d = {d}, {p.Attention}, {(full ? "full" : "quick")}, N = {(solver == GrowthSolver.Particles ? p.ParticleCount : 0)}");
        Console.WriteLine("beta      n*pred n*meas  lambda*pred  lambda*meas  maxRelErr  relGap   nearestSwitch");
        foreach (var m in r.Measurements)
            Console.WriteLine($"{m.Beta,-9:G6} {m.PredictedDegree,6} {m.MeasuredDegree,6}  {m.PredictedRate,11:G6}  {m.MeasuredRate,11:G6}  {m.MaxRelativeRateError,9:E2}  {m.RelativeGap,7:E2}  {m.NearestSwitchingPoint:F5}");
        if (solver == GrowthSolver.Particles || !full)
            foreach (var m in r.Measurements)
                Console.WriteLine($"  beta {m.Beta}: rates (n: fit/theory) " + string.Join("  ", m.Rates.Select(x => $"{x.Degree}: {x.Measured:F4}/{x.Predicted:F4}")));
        Console.WriteLine($"all n* match: {r.AllDegreesMatch}; max relative rate error {r.MaxRelativeRateError:E2}");
        break;
    }
    case "heat":
    {
        var p = full ? HeatPhaseParameters.Full() : HeatPhaseParameters.Quick();
        var r = HeatPhaseExperiment.Run(p);
        Console.WriteLine($"# campaign 3(i): SA, V = -I, circle, beta = {p.Beta}, sigma0 = {p.InitialSigma}, N = {p.ParticleCount}, dt = {p.TimeStep}");
        Console.WriteLine("t      s2(-2lnR)  angularVar  closure    heat       growthRatio");
        foreach (var s in r.Samples)
            Console.WriteLine($"{s.Time,-6:F3} {s.Variance,10:F5} {s.AngularVariance,10:F5} {s.ClosurePrediction,10:F5} {s.HeatPrediction,10:F5}  {(s.Time > 0 ? s.ClosureGrowthRatio(r.InitialVariance).ToString("F4") : "")}");
        Console.WriteLine($"final relative error vs closure {r.FinalRelativeError:E2}; closure from nominal s0 = {r.NominalClosurePrediction:F5}");
        break;
    }
    case "alignment":
    {
        var p = full ? AlignmentParameters.Full() : AlignmentParameters.Quick();
        var r = AlignmentExperiment.Run(p);
        Console.WriteLine($"# campaign 3(ii): SA on S², beta = {p.Beta}, N = {p.ParticleCount}, dt = {p.TimeStep}, eps = {p.Epsilon}");
        Console.WriteLine($"M = V K^T Q: top eigenvalue {r.TopEigenvalue:F4} (next real part {r.SecondEigenvalueRealPart:F4}), e = ({string.Join(", ", r.TopEigenvector.Select(c => c.ToString("F4")))})");
        Console.WriteLine("t      fraction(particles)  fraction(characteristics)  mean|<x,e>| particles  characteristics");
        foreach (var s in r.Samples)
            Console.WriteLine($"{s.Time,-6:F2} {s.ParticleFraction,19:F4}  {s.CharacteristicFraction,25:F4}  {s.ParticleMeanAlignment,22:F4}  {s.CharacteristicMeanAlignment,15:F4}");
        Console.WriteLine($"max |fraction difference| {r.MaxFractionDifference:F4}");
        break;
    }
    default:
        Console.Error.WriteLine("usage: science clustering sphere|zonal|particles D quick|full");
        return 2;
}
Console.WriteLine($"elapsed {clock.Elapsed.TotalSeconds:F1} s");
return 0;
