package org.ppfarm.loadtest;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A campaign file ({@code loadtest/campaigns/*.yaml}, or a {@code .properties} file) read into the flat
 * {@link LoadSettings} keys: nested YAML maps become dotted keys ({@code step: {rate: 2}} is {@code step.rate}), a
 * list of scalars a comma-separated value ({@code circuit: [withdraw:3, commitment:1]}), and a list of maps numbered
 * keys ({@code events: [{at: 20s, run: ...}]} is {@code events.0.at}, {@code events.0.run}). Only plain YAML is read
 * (SnakeYAML's safe constructor: no tags, no objects).
 */
public final class Campaign {
    private Campaign() {}

    /** The file's settings, unchecked (see {@link LoadSettings#parse}); a file that cannot be read is named in the exception. */
    public static Map<String, String> read(Path file) {
        String name = file.getFileName().toString();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Map<String, String> out = new LinkedHashMap<>();
            if (name.endsWith(".properties")) {
                Properties p = new Properties();
                p.load(r);
                for (String k : p.stringPropertyNames()) out.put(k, p.getProperty(k));
            } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
                if (doc == null) return out;
                if (!(doc instanceof Map<?, ?> m)) throw new LoadSettingException(file.toString(), "a campaign is a YAML mapping of keys");
                flatten("", m, out, file);
            } else {
                throw new LoadSettingException(file.toString(), "a campaign file ends in .yaml, .yml or .properties");
            }
            return out;
        } catch (IOException e) {
            throw new LoadSettingException(file.toString(), "cannot read: " + e.getMessage());
        } catch (YAMLException e) {
            throw new LoadSettingException(file.toString(), "not valid YAML: " + e.getMessage().replaceAll("\\s+", " ").strip());
        }
    }

    private static void flatten(String prefix, Map<?, ?> m, Map<String, String> out, Path file) {
        for (var e : m.entrySet()) {
            String key = prefix + e.getKey();
            switch (e.getValue()) {
                case Map<?, ?> sub -> flatten(key + ".", sub, out, file);
                case List<?> list when !list.isEmpty() && list.getFirst() instanceof Map -> {
                    for (int i = 0; i < list.size(); i++) {
                        if (!(list.get(i) instanceof Map<?, ?> item)) throw new LoadSettingException(key, "mixes mappings and values");
                        flatten(key + "." + i + ".", item, out, file);
                    }
                }
                case List<?> list -> {
                    StringBuilder b = new StringBuilder();
                    for (Object o : list) {
                        if (o instanceof Map || o instanceof List) throw new LoadSettingException(key, "mixes mappings and values");
                        b.append(b.isEmpty() ? "" : ",").append(o);
                    }
                    out.put(key, b.toString());
                }
                case null -> out.put(key, "");
                default -> out.put(key, e.getValue().toString());
            }
        }
    }
}
