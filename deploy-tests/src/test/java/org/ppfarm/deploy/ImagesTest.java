package org.ppfarm.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Repo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What can be checked of the images without a Docker engine: each Dockerfile's bases pinned to exact versions, its
 * last stage running as a non-root user through the entrypoint in exec form, every COPY source present; the tags
 * build.sh makes; and the entrypoint's refusals, run for real with bash.
 */
class ImagesTest {
    record Dockerfile(Map<String, String> args, List<String> froms, List<String> lines) {
        static Dockerfile parse(Path file) throws Exception {
            Map<String, String> args = new HashMap<>();
            List<String> froms = new ArrayList<>(), lines = new ArrayList<>();
            for (String line : Files.readString(file).replace("\\\n", " ").split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                lines.add(line);
                Matcher arg = Pattern.compile("^ARG (\\w+)=(\\S+)$").matcher(line);
                if (arg.matches()) args.put(arg.group(1), arg.group(2));
                if (line.startsWith("FROM ")) froms.add(line.substring(5).split(" ")[0]);
            }
            return new Dockerfile(args, froms, lines);
        }

        String lastStage(String instruction) {
            String found = null;
            for (String l : lines) {
                if (l.startsWith("FROM ")) found = null;
                if (l.startsWith(instruction + " ")) found = l.substring(instruction.length() + 1);
            }
            return found;
        }
    }

    @Test
    void dockerfiles() throws Exception {
        for (String name : List.of("Dockerfile", "Dockerfile.gpu")) {
            Dockerfile d = Dockerfile.parse(DeployFiles.deploy("images/" + name));
            for (String from : d.froms()) {
                Matcher ref = Pattern.compile("^\\$\\{(\\w+)}$").matcher(from);
                if (ref.matches()) from = d.args().get(ref.group(1));
                else if (!from.contains(":")) continue;   // an earlier stage's name
                assertTrue(from != null && from.matches("[\\w./-]+:\\d+\\.\\d+\\.\\d+[\\w.-]*(@sha256:[0-9a-f]{64})?"),
                        name + ": base " + from + " is not pinned to an exact version");
            }
            assertTrue(d.froms().stream().anyMatch(f -> f.contains("TEMURIN_JRE") || f.contains("CUDA_RUNTIME")), name);
            assertTrue(d.args().get("TEMURIN_JRE").startsWith("eclipse-temurin:25."), name);
            String user = d.lastStage("USER");
            assertTrue(user != null && user.matches("\\d+:\\d+") && !user.startsWith("0:"), name + ": USER " + user);
            assertEquals("[\"/opt/ppfarm/entrypoint.sh\"]", d.lastStage("ENTRYPOINT"), name);
            for (String l : d.lines())
                if (l.startsWith("COPY ") && !l.contains("--from=")) {
                    String[] parts = l.replaceAll("--\\S+ ", "").split("\\s+");
                    for (int i = 1; i < parts.length - 1; i++)
                        if (!parts[i].startsWith("cli/target/")) // the fat jar: built by build.sh before docker build
                            assertTrue(Files.exists(Repo.root().resolve(parts[i])), name + ": COPY source " + parts[i]);
                }
        }
        assertTrue(Dockerfile.parse(DeployFiles.deploy("images/Dockerfile.gpu")).args().get("CUDA_RUNTIME").startsWith("nvidia/cuda:"));
    }

    @Test
    void tagsFollowTheProjectVersion() throws Exception {
        Run r = run(List.of("bash", DeployFiles.deploy("images/build.sh").toString(), "--print-tags", "--gpu"), Map.of());
        assertEquals(0, r.code(), r.err());
        String v = DeployFiles.projectVersion();
        assertEquals("ppfarm:" + v + "\nppfarm:" + v + "-cuda\n", r.out());
    }

    /** The entrypoint refuses, in one line and exit 2, the mistakes a deployment makes, before any JVM starts. */
    @Test
    void entrypointRefusesMissingKeysAndSecrets(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("coordinator.properties"), "kafka.bootstrap.servers=kafka:9092\n");
        Path seal = Files.createDirectories(dir.resolve("seal"));
        Map<String, String> env = new HashMap<>(Map.of("PPFARM_CONFIG", config.toString(),
                "PPFARM_SEAL_FILE", seal.resolve("seal-public.properties").toString(), "PPFARM_JAR", dir.resolve("absent.jar").toString()));

        refused(List.of(), env, "ppfarm-entrypoint: a role is required: coordinator, worker, kafka, or a ppfarm command");
        refused(List.of("coordinator"), env, "ppfarm-entrypoint: coordinator: seal public key file " + seal.resolve("seal-public.properties")
                + " is missing (mount it; deploy/README.md)");
        Files.writeString(seal.resolve("seal-public.properties"), "# nothing\n");
        refused(List.of("coordinator"), env, "ppfarm-entrypoint: coordinator: " + seal.resolve("seal-public.properties")
                + " does not set seal.public.key (make the pair with: ppfarm keys seal --out-dir DIR)");
        Files.writeString(seal.resolve("seal-public.properties"), "seal.public.key=AAAA\n");
        Files.writeString(seal.resolve("seal-private.properties"), "seal.key.pair=AAAA:BBBB\n");
        refused(List.of("coordinator"), env, "ppfarm-entrypoint: coordinator: " + seal + "/seal-private.properties is mounted; coordinators get only seal-public.properties");
        Files.delete(seal.resolve("seal-private.properties"));
        Files.writeString(config, "seal.key.pair=AAAA:BBBB\n", java.nio.file.StandardOpenOption.APPEND);
        refused(List.of("coordinator"), env, "ppfarm-entrypoint: coordinator: seal.key.pair is set for a coordinator; it is the workers' private key, give coordinators only seal.public.key");

        env.put("PPFARM_CONFIG", dir.resolve("worker.properties").toString());
        refused(List.of("worker"), env, "ppfarm-entrypoint: worker: settings file " + dir.resolve("worker.properties") + " is missing (mount it; deploy/README.md)");
        Files.writeString(dir.resolve("worker.properties"), "kafka.bootstrap.servers=kafka:9092\n");
        env.put("PPFARM_SEAL_FILE", seal.resolve("seal-public.properties").toString());   // the wrong item of the Secret
        refused(List.of("worker"), env, "ppfarm-entrypoint: worker: " + seal.resolve("seal-public.properties")
                + " does not set seal.key.pair (make the pair with: ppfarm keys seal --out-dir DIR)");

        // past the checks it runs the JVM on the jar with the role and the two files: here the jar is absent
        Files.writeString(seal.resolve("seal-private.properties"), "seal.key.pair=AAAA:BBBB\n");
        env.put("PPFARM_SEAL_FILE", seal.resolve("seal-private.properties").toString());
        Run r = run(List.of("worker"), env);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("absent.jar"), r.err());
        assertFalse(r.err().contains("AAAA"), "key material printed: " + r.err());
    }

    private static void refused(List<String> args, Map<String, String> env, String line) throws Exception {
        Run r = run(args, env);
        assertEquals(2, r.code(), r.err());
        assertEquals(line + "\n", r.err());
        assertEquals("", r.out());
    }

    record Run(int code, String out, String err) { }

    private static Run run(List<String> args, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (args.isEmpty() || !args.getFirst().equals("bash")) {
            cmd.add("bash");
            cmd.add(DeployFiles.deploy("images/entrypoint.sh").toString());
        }
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
