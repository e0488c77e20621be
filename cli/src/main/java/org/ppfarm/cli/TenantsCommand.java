package org.ppfarm.cli;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.TenantQuotas;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code ppfarm tenants add|list|revoke|rotate|quota|webhook|plaintext}: the farm's tenants and API keys, written straight to the tenants
 * topic in Kafka ({@link TenantAdmin}; whoever may write the farm's topics is the farm's admin). Settings: the
 * {@code kafka.*} keys of a properties file (a coordinator's own file will do: other keys are ignored) or
 * {@code key=value} arguments. A key is printed once, as {@code api-key: <key>}; only its hash is stored. {@code webhook}
 * sets a tenant's webhook allowlist and prints a new webhook secret once, as {@code webhook-secret: <secret>}.
 * {@code plaintext} (and {@code add --allow-plaintext}) lets a tenant whose clients cannot seal submit plaintext inputs
 * where the farm refuses them ({@code inputs.plaintext.allowed=false}). {@code quota} changes a tenant's quotas.
 */
@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = {"Adds, lists, revokes tenants, rotates their API keys, changes their quotas and sets their webhooks (the <prefix>.tenants topic in Kafka).",
                "Usage: ppfarm tenants add NAME [--admin] kafka.bootstrap.servers=HOST:PORT [more settings]"},
        subcommands = {TenantsCommand.Add.class, TenantsCommand.ListTenants.class, TenantsCommand.Revoke.class, TenantsCommand.Rotate.class,
                TenantsCommand.Webhook.class, TenantsCommand.Plaintext.class, TenantsCommand.Quota.class})
final class TenantsCommand {

    /** The kafka.* settings among {@code args} (files and key=value), checked as a coordinator checks them. */
    static TenantAdmin admin(List<String> args) throws InterruptedException {
        Properties all;
        try {
            all = FarmConfigs.load(args);
        } catch (IOException e) {
            throw new PpfarmException(e.getMessage(), e);
        }
        Map<String, Object> kafka = new HashMap<>();
        all.forEach((k, v) -> { if (String.valueOf(k).startsWith("kafka.")) kafka.put(String.valueOf(k), v); });
        ConfigDef def = FarmConfigs.kafka(new ConfigDef());
        AbstractConfig c = new AbstractConfig(def, FarmConfigs.requireKnownKeys(def, kafka));
        FarmConfigs.validateKafka(c);
        return new TenantAdmin(FarmConfigs.clientProps(c), FarmConfigs.topics(c), c.getInt(FarmConfigs.KAFKA_TOPIC_PARTITIONS),
                c.getShort(FarmConfigs.KAFKA_TOPIC_REPLICATION));
    }

    /** One change to the tenants: lines to print, or a refusal. */
    interface Change { List<String> apply(TenantAdmin admin) throws TenantAdmin.TenantException, InterruptedException; }

    /** Applies {@code change} with the settings' Kafka and prints its lines; a refused change is one line, exit 2. */
    static int change(CommandSpec spec, List<String> settings, Change change) throws InterruptedException {
        try (TenantAdmin a = admin(settings)) {
            for (String line : change.apply(a)) spec.commandLine().getOut().println(line);
        } catch (TenantAdmin.TenantException e) {
            throw new PpfarmException(e.getMessage(), e);
        }
        return Ppfarm.OK;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a tenant and prints its API key once.")
    static final class Add implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME", description = "1-63 characters of a-z, 0-9 and '-'.") String name;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<file.properties|key=value>", description = "Kafka settings (kafka.*).") List<String> settings;
        @Option(names = "--admin", description = "May register circuits.") boolean admin;
        @Mixin QuotaOptions quota;
        @Option(names = "--allow-plaintext", description = "May submit plaintext inputs where the farm refuses them (inputs.plaintext.allowed=false): a client that cannot seal.") boolean allowPlaintext;

        @Override
        public Integer call() throws Exception {
            TenantQuotas quotas = quota.over(TenantQuotas.getDefaultInstance());
            return change(spec, settings, a -> {
                String key = a.add(name, admin, quotas, allowPlaintext);
                return List.of("tenant " + name + " added" + (admin ? " (admin)" : "") + (allowPlaintext ? " (plaintext inputs allowed)" : ""),
                        "api-key: " + key);
            });
        }
    }

    /** A tenant's quota options: each one given replaces that quota; one not given keeps what it was (none for a new tenant). */
    static final class QuotaOptions {
        @Option(names = "--jobs-per-second", paramLabel = "N", description = "Quota: submissions per second, farm-wide (approximately: docs/security.md; token bucket; 0: none).") Double jobsPerSecond;
        @Option(names = "--burst", paramLabel = "N", description = "Quota: token bucket size (0: max(1, jobs per second)).") Integer burst;
        @Option(names = "--max-in-flight", paramLabel = "N", description = "Quota: unfinished jobs at once, farm-wide (0: none).") Integer maxInFlight;
        @Option(names = "--max-priority", paramLabel = "P", description = "Quota: highest priority: LOW, NORMAL, HIGH or ANY (no limit; the default).") String maxPriority;
        @Option(names = "--max-batch", paramLabel = "N", description = "Quota: most jobs in one SubmitBatch (0: the farm's limit).") Integer maxBatch;

        /** {@code base} with the options given; refuses a negative number or an unknown priority in one line. */
        TenantQuotas over(TenantQuotas base) {
            TenantQuotas.Builder q = base.toBuilder();
            if (jobsPerSecond != null) q.setJobsPerSecond(nonNegative("--jobs-per-second", jobsPerSecond));
            if (burst != null) q.setBurst((int) nonNegative("--burst", burst));
            if (maxInFlight != null) q.setMaxInFlight((int) nonNegative("--max-in-flight", maxInFlight));
            if (maxBatch != null) q.setMaxBatch((int) nonNegative("--max-batch", maxBatch));
            if (maxPriority != null) {
                if (maxPriority.equalsIgnoreCase("any")) q.clearMaxPriority();
                else try {
                    q.setMaxPriority(Priority.valueOf("PRIORITY_" + maxPriority.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new PpfarmException("--max-priority " + maxPriority + ": LOW, NORMAL, HIGH or ANY");
                }
            }
            return q.build();
        }

        boolean any() { return jobsPerSecond != null || burst != null || maxInFlight != null || maxPriority != null || maxBatch != null; }

        private static double nonNegative(String option, Number n) {
            double v = n.doubleValue();
            if (!(v >= 0) || Double.isInfinite(v)) throw new PpfarmException(option + " " + n + ": 0 (none) or positive");
            return v;
        }
    }

    @Command(name = "quota", mixinStandardHelpOptions = true,
            description = {"Changes a tenant's quotas: each option given replaces that quota, the others stay; coordinators apply them within about a second."})
    static final class Quota implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<file.properties|key=value>", description = "Kafka settings (kafka.*).") List<String> settings;
        @Mixin QuotaOptions quota;

        @Override
        public Integer call() throws Exception {
            if (!quota.any()) throw new PpfarmException("tenants quota " + name + ": name a quota to change (--jobs-per-second, --burst, --max-in-flight, --max-priority, --max-batch)");
            return change(spec, settings, a -> {
                TenantQuotas q = quota.over(a.get(name).getQuotas());
                a.quotas(name, q);
                return List.of("tenant " + name + " quotas " + FarmServer.json(q).replaceAll("\\s+", " "));
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the tenants (never their keys).")
    static final class ListTenants implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "<file.properties|key=value>", description = "Kafka settings (kafka.*).") List<String> settings;

        @Override
        public Integer call() throws Exception {
            return change(spec, settings, a -> a.list().stream().map(t -> t.getName() + (t.getAdmin() ? " admin" : "")
                    + (t.getRevoked() ? " revoked" : "") + (t.getPlaintextAllowed() ? " plaintext" : "") + (t.getQuotas().equals(TenantQuotas.getDefaultInstance()) ? ""
                    : " quotas " + FarmServer.json(t.getQuotas()).replaceAll("\\s+", " "))).toList());
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Refuses every key of a tenant from now on.")
    static final class Revoke implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<file.properties|key=value>", description = "Kafka settings (kafka.*).") List<String> settings;

        @Override
        public Integer call() throws Exception {
            return change(spec, settings, a -> {
                a.revoke(name);
                return List.of("tenant " + name + " revoked");
            });
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Gives a tenant a new API key; the old one stops working.")
    static final class Rotate implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<file.properties|key=value>", description = "Kafka settings (kafka.*).") List<String> settings;

        @Override
        public Integer call() throws Exception {
            return change(spec, settings, a -> List.of("tenant " + name + ": new key", "api-key: " + a.rotate(name)));
        }
    }

    @Command(name = "webhook", mixinStandardHelpOptions = true,
            description = {"Sets the hosts a tenant's webhooks may go to and prints a new webhook secret once (the old one stops working)."})
    static final class Webhook implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--allow-host", required = true, paramLabel = "HOST", description = "A host callback URLs may name (repeat for more).") List<String> hosts;
        @Option(names = "--allow-private", description = "Also loopback, private and link-local addresses (a receiver inside the farm's network).") boolean allowPrivate;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<file.properties|key=value>", description = "Kafka settings (kafka.*).") List<String> settings;

        @Override
        public Integer call() throws Exception {
            return change(spec, settings, a -> List.of("tenant " + name + ": webhooks to " + String.join(", ", hosts)
                    + (allowPrivate ? " (private addresses allowed)" : ""), "webhook-secret: " + a.webhook(name, hosts, allowPrivate)));
        }
    }

    @Command(name = "plaintext", mixinStandardHelpOptions = true,
            description = {"Lets a tenant submit plaintext inputs where the farm refuses them (--allow), or stops it (--refuse)."})
    static final class Plaintext implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @ArgGroup(multiplicity = "1") Choice choice;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<file.properties|key=value>", description = "Kafka settings (kafka.*).") List<String> settings;

        static final class Choice {
            @Option(names = "--allow", required = true, description = "Plaintext inputs taken from this tenant.") boolean allow;
            @Option(names = "--refuse", required = true, description = "Only sealed inputs, as the farm says.") boolean refuse;
        }

        @Override
        public Integer call() throws Exception {
            return change(spec, settings, a -> {
                a.plaintext(name, choice.allow);
                return List.of("tenant " + name + ": plaintext inputs " + (choice.allow ? "allowed" : "refused where the farm refuses them"));
            });
        }
    }
}
