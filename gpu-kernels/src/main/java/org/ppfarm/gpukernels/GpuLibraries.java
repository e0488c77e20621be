package org.ppfarm.gpukernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import org.ppfarm.cpukernels.NativeLibraries;

/**
 * This module's two libraries, found by cpu-kernels' loader ({@link NativeLibraries}) next to the classes
 * ({@code org/ppfarm/gpukernels/native/linux-x86_64/}) or in {@value #DIR_PROPERTY}, and the build's record of what
 * it built ({@code build-info.properties}), which says why a CUDA library is missing.
 */
public final class GpuLibraries {
    public static final String DIR_PROPERTY = "ppfarm.gpu.libraryDir";
    public static final String CUDA = "libppfarm_gpu_cuda.so";
    public static final String HOST = "libppfarm_gpu_host.so";

    private static final NativeLibraries LIBRARIES = new NativeLibraries(GpuLibraries.class,
            "/org/ppfarm/gpukernels/native/", DIR_PROPERTY);

    private GpuLibraries() { }

    /** What the native build did (build.sh writes it; absent means the native build never ran). */
    public record BuildInfo(String host, String cuda, String cudaReason, String nvccVersion) {
        static final BuildInfo MISSING = new BuildInfo("missing", "missing",
                "the native build did not run (no build-info.properties on the classpath)", "");

        public boolean cudaBuilt() { return "built".equals(cuda); }
    }

    public static BuildInfo buildInfo() {
        try (InputStream in = LIBRARIES.resource("build-info.properties")) {
            if (in == null) return BuildInfo.MISSING;
            Properties p = new Properties();
            p.load(in);
            return new BuildInfo(p.getProperty("host", ""), p.getProperty("cuda", ""),
                    p.getProperty("cuda.reason", ""), p.getProperty("nvcc.version", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gpu-kernels build-info.properties", e);
        }
    }

    /** The library file if it exists: {@value #DIR_PROPERTY}, else the classpath (extracted from a jar). */
    public static Optional<Path> find(String name) {
        return LIBRARIES.find(name);
    }

    /** The library file, or a {@link GpuException} (LIBRARY) saying why there is none. */
    public static Path require(String name) {
        return find(name).orElseThrow(() -> new GpuException(GpuException.Status.LIBRARY, name + " not found"
                + (NativeLibraries.platformSupported() ? "" : " (native libraries are built for linux-x86_64 only)")
                + "; native build: host=" + buildInfo().host() + ", cuda=" + buildInfo().cuda()));
    }
}
