using System.Runtime.Intrinsics;

namespace MeanField.Spectral.Tests;

/// <summary>
/// CI runs this project a second time with DOTNET_EnableAVX512=0 so that the 256-bit kernels are tested on AVX-512
/// machines. This test fails if that switch stops taking effect (as DOTNET_EnableAVX512F silently does on .NET 10).
/// </summary>
public class SimdFallbackTests
{
    [Test]
    public void The_AVX512_switch_of_the_fallback_run_takes_effect()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") != "0")
            Assert.Pass("not the fallback run (DOTNET_EnableAVX512 is not 0)");
        Assert.That(Vector512.IsHardwareAccelerated, Is.False, "DOTNET_EnableAVX512=0 did not switch the 512-bit paths off");
    }
}
