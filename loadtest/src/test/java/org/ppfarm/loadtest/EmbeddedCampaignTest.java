package org.ppfarm.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The smoke campaign, shortened, against a real embedded farm: real commitment proofs, each verified by the tool. */
class EmbeddedCampaignTest {
    @Test
    void smokeCampaignAgainstTheEmbeddedFarm(@TempDir Path dir) throws Exception {
        Path smoke = Path.of(System.getProperty("ppfarm.root"), "loadtest", "campaigns", "smoke.yaml");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = LoadTest.run(smoke, Map.of("duration", "4s", "rate", "1", "report", dir.toString(), "warmup", "2s", "lead.in", "1s",
                // a cold farm on a shared 2-core machine: the first proofs load the circuit; this tests the tool, not the farm's latency
                "slo", "p99<120s"), new PrintWriter(out), new PrintWriter(err));
        assertEquals(LoadTest.PASSED, code, err.toString());
        JsonNode sum = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertEquals(4, sum.at("/counts/offered").asLong());
        assertEquals(4, sum.at("/counts/succeeded").asLong(), sum.toPrettyString());
        assertEquals(4, sum.at("/verification/verified").asLong());
        assertEquals(0, sum.at("/counts/invalid").asLong());
        assertEquals(0, sum.at("/counts/lost").asLong());
        assertEquals(0, sum.at("/counts/duplicated").asLong());
        assertTrue(sum.at("/stages_ms/prove/p50").asDouble() > 0);
        assertTrue(sum.get("metrics_scraped").asText().contains("127.0.0.1:"));
        // second 0 of the time series is the measured run's start: after the tool's start, the 2 s warm-up and the 1 s lead-in
        Instant started = Instant.parse(sum.get("started_at").asText()), measured = Instant.parse(sum.get("measured_from").asText());
        assertTrue(!measured.isBefore(started.plusSeconds(3)) && measured.isBefore(Instant.now()), started + " then " + measured);
        assertTrue(Files.readString(dir.resolve("report.html")).contains("id=\"farm\""));
        assertTrue(err.toString().contains("ppfarm load:"), "a progress line");
    }
}
