using System.Diagnostics;

namespace MeanField.Runs;

/// <summary>
/// Progress of a run: on a terminal one line redrawn in place (at most 10 times a second); otherwise (CI, files,
/// Slurm) a plain line at every 10% of simulation time, so logs stay line-based. Ends with a summary line.
/// </summary>
internal sealed class ProgressReporter(TextWriter output, bool interactive, double tEnd, bool quiet = false)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastDraw = double.NegativeInfinity;
    private int _lastDecile;
    private bool _lineOpen;

    public double ElapsedSeconds => _clock.Elapsed.TotalSeconds;

    public void Update(double time, double step, long steps)
    {
        if (quiet) return;
        double wall = ElapsedSeconds;
        if (interactive)
        {
            if (wall - _lastDraw < 0.1 && time < tEnd) return;
            _lastDraw = wall;
            output.Write($"\r{Line(time, step, steps, wall)}   ");
            _lineOpen = true;
        }
        else
        {
            int decile = (int)Math.Floor(10 * time / tEnd + 1e-9);
            if (decile <= _lastDecile) return;
            _lastDecile = decile;
            output.WriteLine(Line(time, step, steps, wall));
        }
    }

    private string Line(double time, double step, long steps, double wall)
    {
        double rate = wall > 0 ? steps / wall : 0;
        double eta = time > 0 ? wall * (tEnd - time) / time : double.NaN;
        return $"t = {time:G6}/{tEnd:G6} ({100 * time / tEnd:F0}%)  dt = {step:E2}  steps {steps}  {rate:F0} steps/s  ETA {Eta(eta)}";
    }

    private static string Eta(double seconds) => double.IsFinite(seconds) ? $"{seconds:F1} s" : "?";

    /// <summary>Message on its own line (closing an in-place progress line first).</summary>
    public void Message(TextWriter writer, string text)
    {
        if (_lineOpen) { output.WriteLine(); _lineOpen = false; }
        writer.WriteLine(text);
    }

    public void Finish(string summary)
    {
        if (_lineOpen) { output.WriteLine(); _lineOpen = false; }
        if (!quiet) output.WriteLine(summary);
    }
}
