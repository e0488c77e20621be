package org.ppfarm.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.ppfarm.proto.v1.CancelJobRequest;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.ListCircuitsRequest;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.WatchJobRequest;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The farm's client commands, for the {@code ppfarm} CLI to delegate to:
 * <pre>
 *   prove    --server H:P --circuit C INPUT [--proof F] [--public F] [--calldata F] [--priority P] [--timeout-s N]
 *   submit   --server H:P --circuit C INPUT [--priority low|normal|high] [--deadline-s N] [--idempotency-key K]
 *   status   --server H:P JOB        watch --server H:P JOB        cancel --server H:P JOB
 *   circuits list --server H:P
 *   circuits register --server H:P --name NAME@VERSION --zkey F --wasm F [--vkey F]
 * </pre>
 * INPUT is one of {@code --input F.json}, {@code --wtns F.wtns}, {@code --withdraw-request F.json},
 * {@code --ragequit-request F.json}. Exit codes: 0 success, 2 the request was refused (bad input, unknown circuit or
 * job, deadline), 1 any other failure; the error is one line on stderr.
 */
public final class ClientMain {
    private ClientMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) { err.println("usage: ppfarm prove|submit|status|watch|cancel|circuits ..."); return 2; }
        String cmd = args[0];
        int skip = 1;
        if (cmd.equals("circuits")) {
            if (args.length < 2) { err.println("usage: ppfarm circuits list|register ..."); return 2; }
            cmd = "circuits " + args[1];
            skip = 2;
        }
        Map<String, String> opts = new HashMap<>();
        String positional = null;
        for (int i = skip; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) { err.println("ppfarm " + cmd + ": " + args[i] + " needs a value"); return 2; }
                opts.put(args[i].substring(2), args[++i]);
            } else positional = args[i];
        }
        String server = opts.get("server");
        if (server == null) { err.println("ppfarm " + cmd + ": --server host:port is required"); return 2; }
        try (FarmClient client = FarmClient.connect(server)) {
            return switch (cmd) {
                case "prove" -> prove(client, opts, out);
                case "submit" -> { out.println(client.blocking().submit(request(opts)).getJobId()); yield 0; }
                case "status" -> { out.println(json(client.blocking().getJob(GetJobRequest.newBuilder().setJobId(job(positional)).build()))); yield 0; }
                case "cancel" -> { out.println(json(client.blocking().cancelJob(CancelJobRequest.newBuilder().setJobId(job(positional)).build()))); yield 0; }
                case "watch" -> {
                    client.blocking().watchJob(WatchJobRequest.newBuilder().setJobId(job(positional)).build())
                            .forEachRemaining(j -> out.println(j.getJobId() + " " + j.getStatus().name().substring(11)
                                    + (j.hasError() ? " " + j.getError().getMessage() : "")));
                    yield 0;
                }
                case "circuits list" -> {
                    for (Circuit c : client.blocking().listCircuits(ListCircuitsRequest.getDefaultInstance()).getCircuitsList())
                        out.println(c.getName() + " zkey " + c.getZkeySha256() + " nPublic " + c.getNPublic());
                    yield 0;
                }
                case "circuits register" -> {
                    String[] nv = required(opts, "name").split("@", 2);
                    if (nv.length != 2) throw new IllegalArgumentException("--name must be NAME@VERSION");
                    Circuit c = client.register(nv[0], nv[1], Path.of(required(opts, "zkey")), Path.of(required(opts, "wasm")),
                            opts.containsKey("vkey") ? Path.of(opts.get("vkey")) : null);
                    out.println("registered " + c.getName() + " zkey " + c.getZkeySha256());
                    yield 0;
                }
                default -> { err.println("ppfarm: unknown command '" + cmd + "'"); yield 2; }
            };
        } catch (StatusRuntimeException e) {
            err.println("ppfarm " + cmd + ": " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return switch (e.getStatus().getCode()) {
                case INVALID_ARGUMENT, NOT_FOUND, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ALREADY_EXISTS, FAILED_PRECONDITION -> 2;
                default -> 1;
            };
        } catch (IllegalArgumentException e) {
            err.println("ppfarm " + cmd + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("ppfarm " + cmd + ": " + e);
            return 1;
        }
    }

    private static int prove(FarmClient client, Map<String, String> opts, PrintStream out) throws Exception {
        long timeout = Long.parseLong(opts.getOrDefault("timeout-s", "600"));
        Job job = client.blocking().withDeadlineAfter(timeout, TimeUnit.SECONDS).prove(request(opts));
        var r = job.getResult();
        if (opts.containsKey("proof")) Files.writeString(Path.of(opts.get("proof")), r.getProofJson());
        else out.println(r.getProofJson());
        if (opts.containsKey("public")) Files.writeString(Path.of(opts.get("public")), r.getPublicJson());
        else out.println(r.getPublicJson());
        if (opts.containsKey("calldata")) Files.writeString(Path.of(opts.get("calldata")), r.getSolidityCalldata());
        var t = r.getTimings();
        out.printf("verified proof for job %s by %s (%s): queued %.1f ms, witness %.1f ms, prove %.1f ms, verify %.1f ms%n",
                job.getJobId(), r.getWorkerId(), r.getBackend(), t.getQueuedMicros() / 1e3, t.getWitnessMicros() / 1e3,
                t.getProveMicros() / 1e3, t.getVerifyMicros() / 1e3);
        return 0;
    }

    static SubmitRequest request(Map<String, String> o) throws Exception {
        String circuit = required(o, "circuit");
        SubmitRequest.Builder b = SubmitRequest.newBuilder().setCircuit(circuit.matches("[0-9a-f]{64}")
                ? CircuitRef.newBuilder().setZkeySha256(circuit) : CircuitRef.newBuilder().setName(circuit));
        List<String> inputs = List.of("input", "wtns", "withdraw-request", "ragequit-request");
        long given = inputs.stream().filter(o::containsKey).count();
        if (given != 1) throw new IllegalArgumentException("give exactly one of --input, --wtns, --withdraw-request, --ragequit-request");
        if (o.containsKey("input")) b.setInputJsonBytes(ByteString.copyFrom(Files.readAllBytes(Path.of(o.get("input")))));
        if (o.containsKey("wtns")) b.setWtns(ByteString.copyFrom(Files.readAllBytes(Path.of(o.get("wtns")))));
        if (o.containsKey("withdraw-request")) b.setWithdrawRequestJsonBytes(ByteString.copyFrom(Files.readAllBytes(Path.of(o.get("withdraw-request")))));
        if (o.containsKey("ragequit-request")) b.setRagequitRequestJsonBytes(ByteString.copyFrom(Files.readAllBytes(Path.of(o.get("ragequit-request")))));
        if (o.containsKey("priority")) b.setPriority(switch (o.get("priority")) {
            case "low" -> Priority.PRIORITY_LOW;
            case "normal" -> Priority.PRIORITY_NORMAL;
            case "high" -> Priority.PRIORITY_HIGH;
            default -> throw new IllegalArgumentException("--priority must be low, normal or high");
        });
        if (o.containsKey("deadline-s")) b.setDeadline(Timestamps.fromMillis(System.currentTimeMillis() + 1000 * Long.parseLong(o.get("deadline-s"))));
        if (o.containsKey("idempotency-key")) b.setIdempotencyKey(o.get("idempotency-key"));
        return b.build();
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) throw new IllegalArgumentException("--" + key + " is required");
        return v;
    }

    private static String job(String positional) {
        if (positional == null) throw new IllegalArgumentException("give the job id");
        return positional;
    }

    private static String json(MessageOrBuilder m) throws Exception {
        return JsonFormat.printer().print(m);
    }

    static Status.Code code(StatusRuntimeException e) { return e.getStatus().getCode(); }
}
