namespace MeanField.IO.Config;

// The closed choices of a run config. Each value's YAML name is its snake_case name (EulerMaruyama ↔ euler_maruyama),
// given once by MeanField.Core.YamlNames, so the reader, the /config writer and the messages cannot spell a kind
// differently. The choices the solvers themselves take (StepperKind, FftChoice) live in MeanField.Core.

public enum GeometryKind { Circle, Sphere, Zonal }

public enum SolverKind { Spectral, Particles, Both }

public enum UnderresolvedAction { Stop, Warn }

public enum IntegratorKind { Rk4, Heun, Layer }

public enum InteractionKind { Auto, Dense, Spectral }

public enum NoiseKind { Mlp, Fields }

public enum NoiseSampler { Harmonic, Mlp }

public enum InitialKind { Uniform, PerturbedUniform, VonMises, Fourier, Gegenbauer, Harmonics, Equiangular, FromFile }
