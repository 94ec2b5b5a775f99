using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using MeanField.Runs;
using MeanField.Spectral.Fft;

namespace MeanField.Cli;

/// <summary>
/// `meanfield --version`: the version (Directory.Build.props), the git commit of the build and the backends this
/// process would use, so a bug report or a run file's provenance can be matched to a build.
/// </summary>
internal static class VersionReport
{
    public static IReadOnlyList<string> Lines()
    {
        string fft = RealFftFactory.FftwAvailable
            ? "FFTW (libfftw3.so.3, native)"
            : "managed (MathNet.Numerics + own Bluestein; libfftw3.so.3 not found)";
        var hdf = typeof(PureHDF.H5File).Assembly;
        string hdfVersion = hdf.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                            ?? hdf.GetName().Version?.ToString() ?? "unknown";
        return
        [
            $"meanfield {Provenance.SoftwareVersion}",
            $"commit    {Provenance.GitCommit}",
            $"fft       {fft}",
            $"hdf5      PureHDF {hdfVersion} (managed writer, no native HDF5 library)",
            $"runtime   .NET {Environment.Version}",
        ];
    }

    /// <summary>Replaces System.CommandLine's default version action (which prints the informational version only).</summary>
    public static void Install(RootCommand root, TextWriter output)
    {
        foreach (var option in root.Options)
            if (option is VersionOption version)
                version.Action = new PrintAction(output);
    }

    private sealed class PrintAction(TextWriter output) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            foreach (var line in Lines()) output.WriteLine(line);
            return 0;
        }
    }
}
