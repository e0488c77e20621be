package org.ppfarm.cpukernels;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Finds the native libraries a module's build put next to its classes ({@code <resourceDir>/linux-x86_64/}) — on
 * disk when running from {@code target/classes}, or extracted from the jar to a private temporary directory — and
 * the build's other records there. A system property, when set, points at another directory instead. One loader
 * for every ppfarm native library: this module's {@code libppfarm_cpu.so} ({@link NativeCpuLibrary}) and
 * gpu-kernels' CUDA and host libraries ({@code GpuLibraries}). Thread-safe.
 */
public final class NativeLibraries {
    private static final String PLATFORM = "linux-x86_64";

    private final Class<?> owner;
    private final String resourceDir;
    private final String dirProperty;
    private Path extracted;

    /**
     * @param owner       a class of the module whose build wrote the libraries (its class loader finds them)
     * @param resourceDir the absolute resource folder, e.g. {@code /org/ppfarm/cpukernels/native/}
     * @param dirProperty the system property that names another directory holding the library files
     */
    public NativeLibraries(Class<?> owner, String resourceDir, String dirProperty) {
        if (!resourceDir.startsWith("/") || !resourceDir.endsWith("/")) {
            throw new IllegalArgumentException("resourceDir must start and end with '/', got " + resourceDir);
        }
        this.owner = owner;
        this.resourceDir = resourceDir;
        this.dirProperty = dirProperty;
    }

    /** True when this JVM runs on the one platform the libraries are built for. */
    public static boolean platformSupported() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    public String dirProperty() { return dirProperty; }

    /** A file the build wrote into the resource folder itself (e.g. a build record), or null when absent. */
    public InputStream resource(String name) {
        return owner.getResourceAsStream(resourceDir + name);
    }

    /** The library file if it exists: the directory property, else the classpath (extracted from a jar). */
    public synchronized Optional<Path> find(String name) {
        String dir = System.getProperty(dirProperty);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir).resolve(name);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        URL url = owner.getResource(resourceDir + PLATFORM + "/" + name);
        if (url == null) return Optional.empty();
        try {
            if ("file".equals(url.getProtocol())) return Optional.of(Path.of(url.toURI()));
            if (extracted == null) {
                extracted = Files.createTempDirectory("ppfarm-native-");
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
            throw new NativeException(NativeException.Status.LIBRARY, "cannot extract " + name + ": " + e.getMessage(), e);
        }
    }
}
