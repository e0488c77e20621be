package org.ppfarm.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.proto.v1.StageTimings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The report of a recorded run: its figures, files, and the HTML drawn by a real headless browser. */
class ReportTest {
    private static final long S = 1_000_000_000L, MS = 1_000_000L;
    static final List<String> CHARTS = List.of("latency-over-time", "percentile-spectrum", "throughput", "farm", "errors");

    /** A 10 s run at 10 jobs/s: 100 ms each, but 1 s during seconds 4-5 after a fault event at 4 s; 3 failures (requests 7, 47, 87); 1 lost (50). */
    static Recorder recorded() {
        Recorder rec = new Recorder();
        StageTimings t = StageTimings.newBuilder().setQueuedMicros(2000).setWitnessMicros(20_000).setProveWaitMicros(15_000).setProveMicros(70_000).setVerifyMicros(3000).build();
        for (int i = 0; i < 100; i++) {
            long intended = i * 100 * MS, latency = intended >= 4 * S && intended < 5 * S ? S : 100 * MS;
            rec.offered(intended, 0);
            rec.sent(intended, intended, 1);
            String outcome = i == 50 ? Recorder.LOST : i % 40 == 7 ? "failed:INTERNAL" : Recorder.SUCCEEDED;
            rec.ended(new Recorder.Ended(intended, intended, intended + latency, 0, 0, outcome, t, outcome.equals(Recorder.SUCCEEDED) ? true : null));
        }
        for (int sec = 0; sec < 10; sec++) rec.scraped(sec * S + 1, sec == 4 ? 8 : 1, 1, 0.9, sec == 4 ? 8 : 1);
        rec.event(4 * S, "kill worker-1", 0);
        return rec;
    }

    static Path writeRecorded(Path dir) throws Exception {
        LoadSettings s = LoadSettings.parse(Map.of("circuit", "commitment", "rate", "10", "duration", "10s", "slo", "p99<2s", "max.error.rate", "0"));
        Recorder.Snapshot snap = recorded().snapshot();
        Report.RunInfo info = new Report.RunInfo("recorded", "127.0.0.1:1", "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z", 10, "open", "prove commitment",
                "10 jobs/s for 10 s", 1, List.of("127.0.0.1:2"), null, -1, List.of());
        Report.write(dir, snap, info, Report.verdict(s, snap, info));
        return dir;
    }

    @Test
    void aCapacitySearchCountsOnlyRequestsThatSucceededInTimeAndReportsEachStep() throws Exception {
        // steps of 10 s at 1 and 2 jobs/s, every request answered in 100 ms; in the second step one fails at once
        LoadSettings s = LoadSettings.parse(Map.of("circuit", "commitment", "schedule", "step", "rate", "1", "step.rate", "1",
                "step.duration", "10s", "duration", "30s", "slo", "p99<2s", "stop.on.slo", "true"));
        Recorder rec = new Recorder();
        long t = 0;
        for (int step = 0; step < 2; step++)
            for (int i = 0; i < 10 * (step + 1); i++, t += S / (step + 1)) {
                rec.offered(t, step);
                String outcome = step == 1 && i == 3 ? "failed:INTERNAL" : Recorder.SUCCEEDED;
                rec.ended(new Recorder.Ended(t, t, t + 100 * MS, 0, step, outcome, null, null));
            }
        rec.offered(t, 2); // the next step's first request, sent before the search stopped: not a decided step
        rec.ended(new Recorder.Ended(t, t, t + 100 * MS, 0, 2, Recorder.SUCCEEDED, null, null));
        Recorder.Snapshot snap = rec.snapshot();
        Report.RunInfo info = new Report.RunInfo("capacity", "127.0.0.1:1", "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z", 20, "open", "prove commitment",
                "steps", 1, List.of(), null, 1, List.of());
        JsonNode sum = Report.summary(snap, info, Report.verdict(s, snap, info));
        assertEquals(1.0, sum.get("capacity_rate").asDouble());
        assertEquals(2, sum.get("capacity_steps").size());
        assertEquals(10, sum.at("/capacity_steps/0/succeeded").asLong());
        assertEquals(1.0, sum.at("/capacity_steps/0/achieved_rate").asDouble());
        assertTrue(sum.at("/capacity_steps/0/held").asBoolean());
        assertEquals(20, sum.at("/capacity_steps/1/offered").asLong());
        assertEquals(19, sum.at("/capacity_steps/1/succeeded").asLong());
        assertEquals(false, sum.at("/capacity_steps/1/held").asBoolean()); // the fast failure is not a request under the SLO
    }

    @Test
    void summaryCsvAndSpectraOfARecordedRun(@TempDir Path dir) throws Exception {
        writeRecorded(dir);
        JsonNode sum = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertEquals(10.0, sum.get("offered_rate").asDouble());
        assertEquals("2026-01-01T00:00:02Z", sum.get("measured_from").asText()); // second 0 of timeseries.csv
        assertEquals(100, sum.at("/counts/offered").asLong());
        assertEquals(1, sum.at("/counts/lost").asLong());
        assertEquals(0, sum.at("/counts/duplicated").asLong());
        assertEquals(0, sum.at("/counts/invalid").asLong());
        assertEquals(3, sum.at("/counts/by_outcome/failed:INTERNAL").asLong());
        assertEquals(96, sum.at("/counts/succeeded").asLong());
        // 10 of the 99 measured ends took 1 s: p50 100 ms, p99 1 s (HdrHistogram's 3 significant digits)
        assertEquals(100.0, sum.at("/end_to_end_corrected_ms/p50").asDouble(), 0.1);
        assertEquals(1000.0, sum.at("/end_to_end_corrected_ms/p99").asDouble(), 1);
        assertEquals(70.0, sum.at("/stages_ms/prove/p50").asDouble(), 0.1);
        assertEquals(15.0, sum.at("/stages_ms/prove_wait/p50").asDouble(), 0.1);
        assertEquals(false, sum.get("passed").asBoolean()); // errors above max.error.rate 0
        assertEquals(2.0, sum.at("/events/0/recovery_s").asDouble()); // second 5 has the lost request; 6 is clean
        List<String> csv = Files.readAllLines(dir.resolve("timeseries.csv"));
        assertEquals(12, csv.size()); // a header and seconds 0 to 10 (the last ends at 10.0 s)
        assertTrue(csv.get(5).startsWith("4,10,10,"), csv.get(5));
        assertTrue(Files.readString(dir.resolve("end_to_end.hgrm")).contains("#[Mean    ="));
        assertTrue(Files.isRegularFile(dir.resolve("prove_wait.hgrm")));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<td class=\"l\">prove_wait</td>"), "the stage table lists the wait for a proving slot");
        for (String c : CHARTS) assertTrue(html.contains("id=\"" + c + "\""), c);
        assertTrue(!html.contains("http://") || html.indexOf("http://") == html.indexOf("http://www.w3.org/2000/svg"), "self-contained");
    }

    /**
     * The report in a real browser: Chromium headless renders it, and each chart's script-computed bounding boxes of
     * its series say it drew. Skipped only where Chromium (Debian's chromium package) is not installed.
     */
    @Test
    void everyChartDrawsInHeadlessChromium(@TempDir Path dir) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        // the build installs it where it may (scripts/setup-chromium.sh); CI must run this test, not skip it
        if (System.getenv("CI") != null) assertTrue(Files.isExecutable(chromium), "CI without /usr/bin/chromium: scripts/setup-chromium.sh did not install it");
        assumeTrue(Files.isExecutable(chromium), "Debian's chromium is not installed (/usr/bin/chromium)");
        writeRecorded(dir);
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + dir.resolve("profile"),
                "--virtual-time-budget=5000", "--dump-dom", dir.resolve("report.html").toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not end");
        for (String c : CHARTS) {
            Matcher m = Pattern.compile("<svg[^>]*id=\"" + c + "\"[^>]*>").matcher(dom);
            assertTrue(m.find(), c + " is not in the rendered page");
            assertTrue(m.group().contains("data-drawn=\"ok\""), c + " did not draw: " + m.group());
        }
    }
}
