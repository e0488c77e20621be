package org.ppfarm.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locations inside the ppfarm checkout, for tests and benchmarks. */
public final class Repo {
    private Repo() {}

    /** The checkout's root: system property {@code ppfarm.root} (set by surefire), else the nearest ancestor holding package.json and mvnw. */
    public static Path root() {
        String prop = System.getProperty("ppfarm.root");
        if (prop != null && !prop.isBlank()) return Path.of(prop).toAbsolutePath().normalize();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.exists(p.resolve("package.json"))) return p;
        }
        throw new IllegalStateException("cannot find the ppfarm checkout root (set -Dppfarm.root)");
    }

    public static Path nodeModules() { return root().resolve("node_modules"); }

    /** Cache outside the source tree: $PPFARM_CACHE or ~/.cache/ppfarm. */
    public static Path cache() {
        String env = System.getenv("PPFARM_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "ppfarm");
    }
}
