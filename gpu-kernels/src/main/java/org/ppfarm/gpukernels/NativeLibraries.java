package org.ppfarm.gpukernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds the native libraries the build put next to the classes
 * ({@code org/ppfarm/gpukernels/native/linux-x86_64/}) — on disk when running from {@code target/classes}, or
 * extracted from the jar to a private temporary directory — and the build's record of what it built
 * ({@code build-info.properties}). The system property {@value #DIR_PROPERTY} points at another directory.
 */
public final class NativeLibraries {
    public static final String DIR_PROPERTY = "ppfarm.gpu.libraryDir";
    public static final String CUDA = "libppfarm_gpu_cuda.so";
    public static final String HOST = "libppfarm_gpu_host.so";

    private static final String RESOURCE_DIR = "/org/ppfarm/gpukernels/native/";
    private static final String PLATFORM = "linux-x86_64";
    private static Path extracted;

    private NativeLibraries() { }

    /** What the native build did (build.sh writes it; absent means the native build never ran). */
    public record BuildInfo(String host, String cuda, String cudaReason, String nvccVersion) {
        static final BuildInfo MISSING = new BuildInfo("missing", "missing",
                "the native build did not run (no build-info.properties on the classpath)", "");

        public boolean cudaBuilt() { return "built".equals(cuda); }
    }

    public static BuildInfo buildInfo() {
        try (InputStream in = NativeLibraries.class.getResourceAsStream(RESOURCE_DIR + "build-info.properties")) {
            if (in == null) return BuildInfo.MISSING;
            Properties p = new Properties();
            p.load(in);
            return new BuildInfo(p.getProperty("host", ""), p.getProperty("cuda", ""),
                    p.getProperty("cuda.reason", ""), p.getProperty("nvcc.version", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gpu-kernels build-info.properties", e);
        }
    }

    /** True when this JVM runs on the one platform the libraries are built for. */
    public static boolean platformSupported() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** The library file if it exists: {@value #DIR_PROPERTY}, else the classpath (extracted from a jar). */
    public static synchronized Optional<Path> find(String name) {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir).resolve(name);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        URL url = NativeLibraries.class.getResource(RESOURCE_DIR + PLATFORM + "/" + name);
        if (url == null) return Optional.empty();
        try {
            if ("file".equals(url.getProtocol())) return Optional.of(Path.of(url.toURI()));
            if (extracted == null) {
                extracted = Files.createTempDirectory("ppfarm-gpu-");
                extracted.toFile().deleteOnExit();
            }
            Path target = extracted.resolve(name);
            if (!Files.exists(target)) {
                try (InputStream in = url.openStream()) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                target.toFile().deleteOnExit();
            }
            return Optional.of(target);
        } catch (IOException | URISyntaxException e) {
            throw new GpuException(GpuException.Status.LIBRARY, "cannot extract " + name + ": " + e.getMessage(), e);
        }
    }

    /** The library file, or a {@link GpuException} (LIBRARY) saying why there is none. */
    public static Path require(String name) {
        return find(name).orElseThrow(() -> new GpuException(GpuException.Status.LIBRARY, name + " not found"
                + (platformSupported() ? "" : " (native libraries are built for linux-x86_64 only)")
                + "; native build: host=" + buildInfo().host() + ", cuda=" + buildInfo().cuda()));
    }
}
