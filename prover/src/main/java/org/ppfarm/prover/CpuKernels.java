package org.ppfarm.prover;

import java.util.ServiceLoader;
import org.ppfarm.prover.bn254.JavaPairingKernel;
import org.ppfarm.prover.bn254.PairingKernel;
import org.ppfarm.prover.msm.BucketKernel;
import org.ppfarm.prover.msm.JavaBucketKernel;
import org.ppfarm.prover.ntt.JavaNttKernel;
import org.ppfarm.prover.ntt.NttKernel;

/**
 * The inner loops of the CPU prover — {@link BucketKernel} for the MSM, {@link NttKernel} for the NTT — and the
 * verifier's pairing ({@link PairingKernel}), in Java, or compiled by g++ when module cpu-kernels is on the class
 * path and its library loads (found through {@link ServiceLoader}). The native loops run the same algorithms 2–3×
 * faster: a 64×64→128-bit product is one instruction there and carry chains compile to adc/adox, which the JVM
 * cannot express (a Java Montgomery product costs ~50 ns on the development machine). Everything else in the CPU
 * prover is the same Java either way, and so are the results, limb for limb.
 *
 * <p>System property {@value #PROPERTY}: {@code auto} (default: native when it loads, else Java), {@code java}, or
 * {@code native} (fail when it does not load).
 */
public record CpuKernels(BucketKernel msm, NttKernel ntt, PairingKernel pairing) {
    public static final String PROPERTY = "ppfarm.cpu.kernels";
    public static final CpuKernels JAVA = new CpuKernels(JavaBucketKernel.INSTANCE, JavaNttKernel.INSTANCE,
            JavaPairingKernel.INSTANCE);

    /** Service interface: native kernels that may be unavailable (e.g. the library did not build here). */
    public interface Provider {
        /** The kernels, or an exception saying why they cannot run here. */
        CpuKernels open();
    }

    /** "java" or "native". */
    public String name() { return msm.name(); }

    private static final class Selected {
        static final CpuKernels KERNELS = select(System.getProperty(PROPERTY, "auto"));
    }

    /** The kernels {@value #PROPERTY} asks for, chosen once per JVM. */
    public static CpuKernels selected() { return Selected.KERNELS; }

    /** {@code auto}: the first provider that opens, else Java; {@code java}; {@code native}: a provider or an error. */
    public static CpuKernels select(String want) {
        String w = want.trim();
        if (w.equals("java")) return JAVA;
        if (!w.equals("auto") && !w.equals("native")) {
            throw new IllegalArgumentException(PROPERTY + " must be auto, java or native, got '" + want + "'");
        }
        StringBuilder why = new StringBuilder();
        for (Provider p : ServiceLoader.load(Provider.class, CpuKernels.class.getClassLoader())) {
            try {
                return p.open();
            } catch (RuntimeException | LinkageError e) {
                why.append(why.isEmpty() ? "" : "; ").append(e.getMessage());
            }
        }
        if (w.equals("native")) {
            throw new IllegalStateException(PROPERTY + "=native but no native CPU kernels load"
                    + (why.isEmpty() ? " (module cpu-kernels is not on the class path)" : ": " + why));
        }
        return JAVA;
    }
}
