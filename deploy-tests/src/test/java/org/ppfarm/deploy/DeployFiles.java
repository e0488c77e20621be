package org.ppfarm.deploy;

import org.ppfarm.testkit.Repo;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The files under deploy/ and the ways the tests read them: YAML documents as maps, the project's version. */
final class DeployFiles {
    private DeployFiles() { }

    static Path deploy(String path) { return Repo.root().resolve("deploy").resolve(path); }

    /** The root pom's own version, which image tags, the chart's appVersion and compose's default tag follow. */
    static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("(?m)^  <version>([^<]+)</version>").matcher(Files.readString(Repo.root().resolve("pom.xml")));
        if (!m.find()) throw new IllegalStateException("no <version> in the root pom");
        return m.group(1);
    }

    /** Every non-empty YAML document in {@code text}, as maps (anchors and merge keys resolved). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object d : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text))
            if (d != null) docs.add((Map<String, Object>) d);
        return docs;
    }

    static Map<String, Object> document(Path file) throws IOException {
        return documents(Files.readString(file)).getFirst();
    }

    /** The value at a dotted path of nested maps (list indexes as numbers), or null where any step is missing. */
    @SuppressWarnings("unchecked")
    static <T> T at(Object root, String path) {
        Object o = root;
        for (String step : path.split("\\.")) {
            if (o instanceof Map<?, ?> m) o = m.get(step);
            else if (o instanceof List<?> l && step.matches("\\d+") && Integer.parseInt(step) < l.size()) o = l.get(Integer.parseInt(step));
            else return null;
        }
        return (T) o;
    }
}
