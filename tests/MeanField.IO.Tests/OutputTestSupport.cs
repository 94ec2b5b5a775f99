using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using MeanField.IO.Output;
using PureHDF;

namespace MeanField.IO.Tests;

/// <summary>Helpers for the output writer tests: deterministic data and an independent PureHDF reader.</summary>
internal static class OutputTestSupport
{
    /// <summary>Same layout as the compound the writer stores; PureHDF maps members by field name.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct RI
    {
        public double r;
        public double i;
    }

    /// <summary>Row <paramref name="write"/> of a real task; includes values that lose bits if anything converts them.</summary>
    public static double[] RealRow(string task, int write, int length)
    {
        var row = new double[length];
        int seed = HashCode.Combine(task.Length, task[0], write);
        var rng = new Random(seed);
        for (int i = 0; i < length; i++)
            row[i] = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-300, 300));
        double[] special = [double.NaN, -0.0, double.Epsilon, double.PositiveInfinity, double.MinValue, 1.0 / 3.0];
        for (int i = 0; i < Math.Min(length, special.Length); i++)
            row[(i * 7 + write) % length] = special[i];
        return row;
    }

    public static Complex[] ComplexRow(string task, int write, int length)
    {
        var re = RealRow(task + "re", write, length);
        var im = RealRow(task + "im", write, length);
        return Enumerable.Range(0, length).Select(i => new Complex(re[i], im[i])).ToArray();
    }

    public static OutputScales Scales(int writeNumber) =>
        new(SimTime: 0.1 * writeNumber + 1e-13, WriteNumber: writeNumber, Iteration: 1_000_000_000_000L + 17 * writeNumber,
            Timestep: 1.0 / (3 + writeNumber), WallTime: 12.5 * writeNumber);

    public static void AssertBitEqual(double[] expected, double[] actual, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    /// <summary>Runs /usr/bin/python3 with h5py if present; returns null when that is not possible.</summary>
    public static (int ExitCode, string Output)? RunPython(string script, params string[] args)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
            return null;
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "python timed out");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
