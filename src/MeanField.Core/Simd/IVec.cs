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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Fma(Vec512 a, Vec512 b, Vec512 c) => new(Vector512.FusedMultiplyAdd(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Abs(Vec512 a) => new(Vector512.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 GreaterThan(Vec512 a, Vec512 b) => new(Vector512.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 EqualTo(Vec512 a, Vec512 b) => new(Vector512.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Or(Vec512 a, Vec512 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 AndNot(Vec512 a, Vec512 b) => new(Vector512.AndNot(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Select(Vec512 mask, Vec512 t, Vec512 f) => new(Vector512.ConditionalSelect(mask.V, t.V, f.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool NoneSet(Vec512 mask) => Vector512.ExtractMostSignificantBits(mask.V) == 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vec512 v) => Vector512.Sum(v.V);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Fma(Vec256 a, Vec256 b, Vec256 c) => new(Vector256.FusedMultiplyAdd(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Abs(Vec256 a) => new(Vector256.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 GreaterThan(Vec256 a, Vec256 b) => new(Vector256.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 EqualTo(Vec256 a, Vec256 b) => new(Vector256.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Or(Vec256 a, Vec256 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 AndNot(Vec256 a, Vec256 b) => new(Vector256.AndNot(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Select(Vec256 mask, Vec256 t, Vec256 f) => new(Vector256.ConditionalSelect(mask.V, t.V, f.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool NoneSet(Vec256 mask) => Vector256.ExtractMostSignificantBits(mask.V) == 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vec256 v) => Vector256.Sum(v.V);
}
