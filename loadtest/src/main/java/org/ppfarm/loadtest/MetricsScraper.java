package org.ppfarm.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the farm nodes' Prometheus {@code /metrics} (docs/operations.md, "Metrics") once a second and records, summed
 * over the nodes: jobs fetched and waiting at workers ({@code ppfarm_worker_queued}), jobs being proved
 * ({@code ppfarm_worker_inflight}), the workers' busy stage-seconds per second (the rate of
 * {@code ppfarm_worker_stage_seconds_sum}: about the number of provers kept busy) and the workers' group lag on the
 * jobs topics ({@code ppfarm_kafka_consumer_lag_records}, group {@code *.workers}). A node that does not answer within
 * 900 ms is skipped for that second.
 */
final class MetricsScraper {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");

    private final List<String> targets;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(900)).build();
    private final Map<String, Double> lastStageSeconds = new HashMap<>();
    private long lastAt;

    MetricsScraper(List<String> targets) { this.targets = List.copyOf(targets); }

    /** Scrapes every node now and records what it read at {@code at} (nanoseconds into the run). */
    void scrape(Recorder rec, long at) {
        double queued = 0, inflight = 0, lag = 0, stageSeconds = 0;
        int answered = 0;
        for (String t : targets) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + t + "/metrics")).timeout(Duration.ofMillis(900)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) continue;
                answered++;
                double stage = 0;
                for (String line : r.body().split("\n")) {
                    Matcher m = LINE.matcher(line);
                    if (!m.find()) continue;
                    String name = m.group(1), labels = m.group(2) == null ? "" : m.group(2);
                    double v;
                    try {
                        v = Double.parseDouble(m.group(3));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    switch (name) {
                        case "ppfarm_worker_queued" -> queued += v;
                        case "ppfarm_worker_inflight" -> inflight += v;
                        case "ppfarm_worker_stage_seconds_sum" -> stage += v;
                        case "ppfarm_kafka_consumer_lag_records" -> { if (labels.contains(".workers\"")) lag += v; }
                        default -> { }
                    }
                }
                Double before = lastStageSeconds.put(t, stage);
                if (before != null) stageSeconds += stage - before;
            } catch (java.io.IOException e) {
                // not answering this second: skipped
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (answered == 0) return;
        double utilization = lastAt == 0 ? Double.NaN : stageSeconds / ((at - lastAt) / 1e9);
        lastAt = at;
        rec.scraped(at, queued, inflight, utilization, lag);
    }
}
