package org.ppfarm.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.loadtest.workload.DirectorySource;
import org.ppfarm.testkit.Artifacts;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad settings are refused before any load, in one line naming the key; the campaign files parse. */
class LoadSettingsTest {
    private static String refusal(Path campaign, Map<String, String> flags) throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = LoadTest.run(campaign, flags, new PrintWriter(out), new PrintWriter(err));
        assertEquals(LoadTest.BAD_SETTING, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertEquals("", out.toString());
        return err.toString().strip();
    }

    @Test
    void badFlagsAndKeysAreNamed(@TempDir Path dir) throws Exception {
        assertTrue(refusal(null, Map.of("rat", "5")).startsWith("ppfarm load: rat: unknown key"));
        assertTrue(refusal(null, Map.of("rate", "-1")).startsWith("ppfarm load: rate: '-1' is not a positive number"));
        assertTrue(refusal(null, Map.of("duration", "ten")).contains("duration: 'ten' is not a duration"));
        assertTrue(refusal(null, Map.of("slo", "p99>2s")).contains("slo: 'p99>2s'"));
        assertTrue(refusal(null, Map.of("circuit", "mine")).contains("circuit: mine needs inputs mine=DIR"));
        assertTrue(refusal(null, Map.of("priority", "urgent")).contains("priority: 'urgent' is not low|normal|high[:WEIGHT]"));
        assertTrue(refusal(null, Map.of("deadline", "soon")).contains("deadline: 'soon' is not a duration"));
        assertTrue(refusal(null, Map.of("warmup.rate", "fast", "warmup", "60s")).contains("warmup.rate: 'fast' is not a positive number"));
        assertTrue(refusal(null, Map.of("warmup.rate", "20")).contains("warmup.rate: needs a warmup"));
        assertTrue(refusal(null, Map.of("warmup.rate", "20", "warmup", "60s", "mode", "closed")).contains("warmup.rate: needs mode open"));
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "rate: 2\nschedule: step\n");
        assertTrue(refusal(yaml, Map.of()).contains("step.rate: required with schedule step"));
        Files.writeString(yaml, "rate: [2\n");
        assertTrue(refusal(yaml, Map.of()).contains(yaml + ": not valid YAML"));
        Files.writeString(yaml, "events:\n  - name: kill\n    run: 'true'\n");
        assertTrue(refusal(yaml, Map.of()).contains("events.0.at: required"));
    }

    @Test
    void theShippedCampaignsParse() throws Exception {
        Path campaigns = Path.of(System.getProperty("ppfarm.root"), "loadtest", "campaigns");
        try (var files = Files.list(campaigns)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) LoadSettings.parse(Campaign.read(f));
        }
        LoadSettings capacity = LoadSettings.parse(Campaign.read(campaigns.resolve("capacity-search.yaml")));
        assertTrue(capacity.stopOnSlo());
        assertEquals(Schedule.Kind.STEP, capacity.schedule().kind());
    }

    @Test
    void aDirectoryOfInputsSendsItsJsonAndWtnsFilesInTurn(@TempDir Path dir) throws Exception {
        Files.copy(Artifacts.commitmentVkey(), dir.resolve("verification_key.json"));
        Files.writeString(dir.resolve("a.json"), "{\"value\":\"1\"}");
        Files.write(dir.resolve("b.wtns"), new byte[] {'w', 't', 'n', 's'});
        DirectorySource src = DirectorySource.of("mine", dir);
        assertEquals("{\"value\":\"1\"}", src.generate(1, 0).request().getInputJson());
        assertEquals("wtns", src.generate(1, 1).request().getWtns().toStringUtf8());
        assertEquals("{\"value\":\"1\"}", src.generate(1, 2).request().getInputJson());
        Files.delete(dir.resolve("a.json"));
        Files.delete(dir.resolve("b.wtns"));
        assertTrue(refusal(null, Map.of("circuit", "mine", "inputs", "mine=" + dir)).contains("inputs: " + dir + ": no input files"));
    }
}
