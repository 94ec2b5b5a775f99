using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MeanField.Core.Simd;

/// <summary>
/// A SIMD vector of doubles of one fixed width, so that a kernel is written once as a generic method constrained on
/// <c>TVec : IVec&lt;TVec&gt;</c>: the JIT compiles a separate body for each struct type argument (value-type generics
/// are never shared), with every static abstract call resolved and inlined, so the generic kernel costs the same as a
/// hand-written copy per width. Masks are vectors whose lanes are all-ones (true) or all-zeros (false).
/// </summary>
internal unsafe interface IVec<TSelf> where TSelf : unmanaged, IVec<TSelf>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }
    static abstract bool IsHardwareAccelerated { get; }
    static abstract TSelf Zero { get; }
    static abstract TSelf Create(double value);
    static abstract TSelf Load(double* p);
    static abstract void Store(TSelf v, double* p);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    /// <summary>a·b + c with one rounding.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Abs(TSelf a);
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    static abstract TSelf EqualTo(TSelf a, TSelf b);
    static abstract TSelf Or(TSelf a, TSelf b);
    /// <summary>a &amp; ~b.</summary>
    static abstract TSelf AndNot(TSelf a, TSelf b);
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);
    /// <summary>True when no lane of the mask is set.</summary>
    static abstract bool NoneSet(TSelf mask);
    /// <summary>Sum of the lanes, in a fixed order (deterministic).</summary>
    static abstract double Sum(TSelf v);
    /// <summary>The runtime's vectorised e^x (any argument).</summary>
    static abstract TSelf Exp(TSelf x);
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <summary>p·2^k where the low bits of t hold the integer k (t = k + 1.5·2^52): adds k to p's exponent field.</summary>
    static abstract TSelf AddToExponent(TSelf p, TSelf t);
    /// <summary>0, 1, …, Count−1.</summary>
    static abstract TSelf Indices { get; }
}

/// <summary>Kernels written once over <see cref="IVec{TSelf}"/>.</summary>
internal static class VecMath
{
    private const double Log2E = 1.4426950408889634, Ln2Hi = 0.693147180369123816490, Ln2Lo = 1.90821492927058770002e-10;
    private const double Shifter = 6755399441055744.0;   // 1.5·2^52: adding it rounds to an integer kept in the low bits
    /// <summary>Below this e^x is subnormal; <see cref="ExpNonPositive{TV}"/> leaves such lanes to the runtime's Exp.</summary>
    public const double ExpFloor = -708.0;

    /// <summary>
    /// e^x for x ≤ 0 (≥ −708 on the fast path; lanes below go to the runtime's Exp), about 1 ulp: x = k ln 2 + r with
    /// |r| ≤ ln2/2 (Cody–Waite), e^r by its Taylor polynomial of degree 12 (truncation ≤ 0.3466^13/13! ≈ 2e-16),
    /// times 2^k by adding k to the exponent. 16 floating-point operations and no special cases, so several
    /// independent evaluations fill both FMA pipes (the runtime's Exp handles every argument class and costs more).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNonPositive<TV>(TV x) where TV : unmanaged, IVec<TV>
    {
        var e = ExpAboveFloor(x);
        var low = TV.GreaterThan(TV.Create(ExpFloor), x);
        return TV.NoneSet(low) ? e : TV.Select(low, TV.Exp(x), e);
    }

    /// <summary>
    /// <see cref="ExpNonPositive{TV}"/> without the test for arguments below <see cref="ExpFloor"/>: for callers that know
    /// every lane lies in [ExpFloor, 0] (there the two agree bit for bit).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpAboveFloor<TV>(TV x) where TV : unmanaged, IVec<TV>
    {
        var shifter = TV.Create(Shifter);
        var t = TV.Fma(x, TV.Create(Log2E), shifter);
        var k = t - shifter;
        var r = TV.Fma(k, TV.Create(-Ln2Hi), x);
        r = TV.Fma(k, TV.Create(-Ln2Lo), r);
        var p = TV.Create(1.0 / 479001600);
        p = TV.Fma(p, r, TV.Create(1.0 / 39916800));
        p = TV.Fma(p, r, TV.Create(1.0 / 3628800));
        p = TV.Fma(p, r, TV.Create(1.0 / 362880));
        p = TV.Fma(p, r, TV.Create(1.0 / 40320));
        p = TV.Fma(p, r, TV.Create(1.0 / 5040));
        p = TV.Fma(p, r, TV.Create(1.0 / 720));
        p = TV.Fma(p, r, TV.Create(1.0 / 120));
        p = TV.Fma(p, r, TV.Create(1.0 / 24));
        p = TV.Fma(p, r, TV.Create(1.0 / 6));
        p = TV.Fma(p, r, TV.Create(0.5));
        p = TV.Fma(p, r, TV.Create(1.0));
        p = TV.Fma(p, r, TV.Create(1.0));
        return TV.AddToExponent(p, t);
    }

    /// <summary>
    /// w[k] = <see cref="ExpAboveFloor{TV}"/>(w[k]) for k &lt; count (a multiple of the width), bit for bit: eight vectors
    /// (AVX-512: 32 registers) or four (AVX2: 16) at a time, their chains side by side in program order, so that both
    /// FMA pipes (latency 4) find independent work at every step of the 13-FMA polynomial instead of one long chain.
    /// </summary>
    public static unsafe void ExpAboveFloorInPlace<TV>(double* w, int count) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count, k = 0;
        var shifter = TV.Create(Shifter);
        var log2e = TV.Create(Log2E);
        var hi = TV.Create(-Ln2Hi);
        var lo = TV.Create(-Ln2Lo);
        var c12 = TV.Create(1.0 / 479001600);
        var c11 = TV.Create(1.0 / 39916800);
        if (typeof(TV) == typeof(Vec512))
            for (; k + 8 * C <= count; k += 8 * C)
            {
                var a = TV.Load(w + k);
                var b = TV.Load(w + k + 1 * C);
                var c = TV.Load(w + k + 2 * C);
                var d = TV.Load(w + k + 3 * C);
                var e = TV.Load(w + k + 4 * C);
                var f = TV.Load(w + k + 5 * C);
                var g = TV.Load(w + k + 6 * C);
                var h = TV.Load(w + k + 7 * C);
                var ta = TV.Fma(a, log2e, shifter);
                var tb = TV.Fma(b, log2e, shifter);
                var tc = TV.Fma(c, log2e, shifter);
                var td = TV.Fma(d, log2e, shifter);
                var te = TV.Fma(e, log2e, shifter);
                var tf = TV.Fma(f, log2e, shifter);
                var tg = TV.Fma(g, log2e, shifter);
                var th = TV.Fma(h, log2e, shifter);
                var ka = ta - shifter;
                var kb = tb - shifter;
                var kc = tc - shifter;
                var kd = td - shifter;
                var ke = te - shifter;
                var kf = tf - shifter;
                var kg = tg - shifter;
                var kh = th - shifter;
                var ra = TV.Fma(ka, hi, a);
                var rb = TV.Fma(kb, hi, b);
                var rc = TV.Fma(kc, hi, c);
                var rd = TV.Fma(kd, hi, d);
                var re = TV.Fma(ke, hi, e);
                var rf = TV.Fma(kf, hi, f);
                var rg = TV.Fma(kg, hi, g);
                var rh = TV.Fma(kh, hi, h);
                ra = TV.Fma(ka, lo, ra);
                rb = TV.Fma(kb, lo, rb);
                rc = TV.Fma(kc, lo, rc);
                rd = TV.Fma(kd, lo, rd);
                re = TV.Fma(ke, lo, re);
                rf = TV.Fma(kf, lo, rf);
                rg = TV.Fma(kg, lo, rg);
                rh = TV.Fma(kh, lo, rh);
                var pa = TV.Fma(c12, ra, c11);
                var pb = TV.Fma(c12, rb, c11);
                var pc = TV.Fma(c12, rc, c11);
                var pd = TV.Fma(c12, rd, c11);
                var pe = TV.Fma(c12, re, c11);
                var pf = TV.Fma(c12, rf, c11);
                var pg = TV.Fma(c12, rg, c11);
                var ph = TV.Fma(c12, rh, c11);
                for (int n = 0; n < Taylor.Length; n++)
                {
                    var coefficient = TV.Create(Taylor[n]);
                    pa = TV.Fma(pa, ra, coefficient);
                    pb = TV.Fma(pb, rb, coefficient);
                    pc = TV.Fma(pc, rc, coefficient);
                    pd = TV.Fma(pd, rd, coefficient);
                    pe = TV.Fma(pe, re, coefficient);
                    pf = TV.Fma(pf, rf, coefficient);
                    pg = TV.Fma(pg, rg, coefficient);
                    ph = TV.Fma(ph, rh, coefficient);
                }
                TV.Store(TV.AddToExponent(pa, ta), w + k);
                TV.Store(TV.AddToExponent(pb, tb), w + k + 1 * C);
                TV.Store(TV.AddToExponent(pc, tc), w + k + 2 * C);
                TV.Store(TV.AddToExponent(pd, td), w + k + 3 * C);
                TV.Store(TV.AddToExponent(pe, te), w + k + 4 * C);
                TV.Store(TV.AddToExponent(pf, tf), w + k + 5 * C);
                TV.Store(TV.AddToExponent(pg, tg), w + k + 6 * C);
                TV.Store(TV.AddToExponent(ph, th), w + k + 7 * C);
            }
        for (; k + 4 * C <= count; k += 4 * C)
        {
            var a = TV.Load(w + k);
            var b = TV.Load(w + k + 1 * C);
            var c = TV.Load(w + k + 2 * C);
            var d = TV.Load(w + k + 3 * C);
            var ta = TV.Fma(a, log2e, shifter);
            var tb = TV.Fma(b, log2e, shifter);
            var tc = TV.Fma(c, log2e, shifter);
            var td = TV.Fma(d, log2e, shifter);
            var ka = ta - shifter;
            var kb = tb - shifter;
            var kc = tc - shifter;
            var kd = td - shifter;
            var ra = TV.Fma(ka, hi, a);
            var rb = TV.Fma(kb, hi, b);
            var rc = TV.Fma(kc, hi, c);
            var rd = TV.Fma(kd, hi, d);
            ra = TV.Fma(ka, lo, ra);
            rb = TV.Fma(kb, lo, rb);
            rc = TV.Fma(kc, lo, rc);
            rd = TV.Fma(kd, lo, rd);
            var pa = TV.Fma(c12, ra, c11);
            var pb = TV.Fma(c12, rb, c11);
            var pc = TV.Fma(c12, rc, c11);
            var pd = TV.Fma(c12, rd, c11);
            for (int n = 0; n < Taylor.Length; n++)
            {
                var coefficient = TV.Create(Taylor[n]);
                pa = TV.Fma(pa, ra, coefficient);
                pb = TV.Fma(pb, rb, coefficient);
                pc = TV.Fma(pc, rc, coefficient);
                pd = TV.Fma(pd, rd, coefficient);
            }
            TV.Store(TV.AddToExponent(pa, ta), w + k);
            TV.Store(TV.AddToExponent(pb, tb), w + k + 1 * C);
            TV.Store(TV.AddToExponent(pc, tc), w + k + 2 * C);
            TV.Store(TV.AddToExponent(pd, td), w + k + 3 * C);
        }
        for (; k < count; k += C) TV.Store(ExpAboveFloor(TV.Load(w + k)), w + k);
    }

    /// <summary>The Taylor coefficients 1/10! … 1/0! after the two leading ones (1/12!, 1/11!), Horner order.</summary>
    private static ReadOnlySpan<double> Taylor => [1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1.0, 1.0];
}

/// <summary>Eight doubles (AVX-512).</summary>
internal readonly unsafe struct Vec512(Vector512<double> v) : IVec<Vec512>
{
    public readonly Vector512<double> V = v;
    public static int Count => Vector512<double>.Count;
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;
    public static Vec512 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<double>.Zero); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Create(double value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Load(double* p) => new(Vector512.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vec512 v, double* p) => v.V.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 operator +(Vec512 a, Vec512 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 operator -(Vec512 a, Vec512 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 operator *(Vec512 a, Vec512 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 operator -(Vec512 a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Fma(Vec512 a, Vec512 b, Vec512 c) => new(Vector512.FusedMultiplyAdd(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Abs(Vec512 a) => new(Vector512.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 GreaterThan(Vec512 a, Vec512 b) => new(Vector512.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 EqualTo(Vec512 a, Vec512 b) => new(Vector512.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Or(Vec512 a, Vec512 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 AndNot(Vec512 a, Vec512 b) => new(Vector512.AndNot(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Select(Vec512 mask, Vec512 t, Vec512 f) => new(Vector512.ConditionalSelect(mask.V, t.V, f.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool NoneSet(Vec512 mask) => Vector512.ExtractMostSignificantBits(mask.V) == 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vec512 v) => Vector512.Sum(v.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Exp(Vec512 x) => new(Vector512.Exp(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Max(Vec512 a, Vec512 b) => new(Vector512.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 AddToExponent(Vec512 p, Vec512 t) =>
        new((p.V.AsInt64() + Vector512.ShiftLeft(t.V.AsInt64(), 52)).AsDouble());
    public static Vec512 Indices { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512.Create(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)); }
}

/// <summary>Four doubles (AVX2).</summary>
internal readonly unsafe struct Vec256(Vector256<double> v) : IVec<Vec256>
{
    public readonly Vector256<double> V = v;
    public static int Count => Vector256<double>.Count;
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;
    public static Vec256 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<double>.Zero); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Create(double value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Load(double* p) => new(Vector256.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vec256 v, double* p) => v.V.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 operator +(Vec256 a, Vec256 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 operator -(Vec256 a, Vec256 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 operator *(Vec256 a, Vec256 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 operator -(Vec256 a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Fma(Vec256 a, Vec256 b, Vec256 c) => new(Vector256.FusedMultiplyAdd(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Abs(Vec256 a) => new(Vector256.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 GreaterThan(Vec256 a, Vec256 b) => new(Vector256.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 EqualTo(Vec256 a, Vec256 b) => new(Vector256.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Or(Vec256 a, Vec256 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 AndNot(Vec256 a, Vec256 b) => new(Vector256.AndNot(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Select(Vec256 mask, Vec256 t, Vec256 f) => new(Vector256.ConditionalSelect(mask.V, t.V, f.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool NoneSet(Vec256 mask) => Vector256.ExtractMostSignificantBits(mask.V) == 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vec256 v) => Vector256.Sum(v.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Exp(Vec256 x) => new(Vector256.Exp(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Max(Vec256 a, Vec256 b) => new(Vector256.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 AddToExponent(Vec256 p, Vec256 t) =>
        new((p.V.AsInt64() + Vector256.ShiftLeft(t.V.AsInt64(), 52)).AsDouble());
    public static Vec256 Indices { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256.Create(0.0, 1.0, 2.0, 3.0)); }
}
