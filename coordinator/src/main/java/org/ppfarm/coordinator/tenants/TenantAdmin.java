package org.ppfarm.coordinator.tenants;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import org.apache.kafka.clients.admin.Admin;
import org.ppfarm.coordinator.kafka.KafkaTenantLog;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.proto.v1.TenantRecord;
import org.ppfarm.proto.v1.WebhookPolicy;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code ppfarm tenants} does, straight on the tenants topic (Kafka access is the admin's credential; there is
 * no admin RPC): reads the topic to its end, then writes a tenant's new record. Keys are made here, returned once to
 * the caller and never stored; only their hashes reach Kafka. Two admins changing one tenant at the same moment race
 * (the last record wins); tenants are changed rarely and by hand.
 */
public final class TenantAdmin implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A tenant that cannot be changed as asked (exists already, does not exist, is revoked). */
    public static final class TenantException extends Exception {
        public TenantException(String m) { super(m, null, false, false); }
    }

    private final KafkaTenantLog log;
    private final TenantDirectory tenants = new TenantDirectory();

    /** Creates the farm's topics if missing, and reads the tenants topic to its end. */
    public TenantAdmin(Map<String, Object> clientProps, FarmTopics topics, int partitions, short replication) throws InterruptedException {
        try (Admin admin = Admin.create(clientProps)) {
            topics.ensure(admin, partitions, replication);
        }
        this.log = new KafkaTenantLog(clientProps, "ppfarm-tenants-admin", topics).follow(tenants);
        if (!log.awaitCaughtUp(TIMEOUT)) throw new IllegalStateException("tenants topic " + topics.tenants() + " not read within " + TIMEOUT.toSeconds() + " s");
    }

    /** A new tenant that must seal its inputs where the farm says so; see {@link #add(String, boolean, TenantQuotas, boolean)}. */
    public String add(String name, boolean admin, TenantQuotas quotas) throws TenantException, InterruptedException {
        return add(name, admin, quotas, false);
    }

    /**
     * A new tenant; returns its API key (shown once: only its hash is stored). {@code plaintextAllowed}: it may submit
     * plaintext inputs where the farm refuses them ({@code inputs.plaintext.allowed=false}), for a client that cannot seal.
     */
    public String add(String name, boolean admin, TenantQuotas quotas, boolean plaintextAllowed) throws TenantException, InterruptedException {
        if (!ApiKeys.validTenant(name))
            throw new TenantException("tenant '" + name + "': 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit");
        if (find(name) != null) throw new TenantException("tenant " + name + " exists (ppfarm tenants rotate gives it a new key)");
        String key = ApiKeys.generate(name);
        put(TenantRecord.newBuilder().setName(name).setAdmin(admin).setQuotas(quotas).setPlaintextAllowed(plaintextAllowed)
                .setKeySha256(hash(key)).build());
        return key;
    }

    /** A new API key for a tenant; its old key stops working once each coordinator reads the record (within a second). */
    public String rotate(String name) throws TenantException, InterruptedException {
        TenantRecord t = existing(name);
        if (t.getRevoked()) throw new TenantException("tenant " + name + " is revoked");
        String key = ApiKeys.generate(name);
        put(t.toBuilder().setKeySha256(hash(key)).build());
        return key;
    }

    /**
     * Sets where the tenant's webhooks may go and gives it a new webhook secret (returned once, as {@code whsec_}
     * and 256 random bits in base64url); webhooks signed with the old secret stop once each coordinator reads the
     * record. The secret is stored as is (coordinators sign with it), so whoever reads the tenants topic can sign too.
     */
    public String webhook(String name, List<String> allowedHosts, boolean allowPrivate) throws TenantException, InterruptedException {
        TenantRecord t = existing(name);
        if (t.getRevoked()) throw new TenantException("tenant " + name + " is revoked");
        if (allowedHosts.isEmpty()) throw new TenantException("tenant " + name + ": name at least one host webhooks may go to");
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        put(t.toBuilder().setWebhookSecret(ByteString.copyFromUtf8(secret))
                .setWebhook(WebhookPolicy.newBuilder().addAllAllowedHosts(allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList())
                        .setAllowPrivate(allowPrivate)).build());
        return secret;
    }

    /**
     * Lets the tenant submit plaintext inputs where the farm refuses them, or stops it ({@code allowed=false}: from
     * then on only sealed inputs, once each coordinator reads the record).
     */
    public void plaintext(String name, boolean allowed) throws TenantException, InterruptedException {
        put(existing(name).toBuilder().setPlaintextAllowed(allowed).build());
    }

    /**
     * Replaces the tenant's quotas; each coordinator enforces the new ones on its next submission of the tenant once it
     * reads the record (within about a second). Its jobs/s bucket keeps its tokens, up to the new burst.
     */
    public void quotas(String name, TenantQuotas quotas) throws TenantException, InterruptedException {
        TenantRecord t = existing(name);
        if (t.getRevoked()) throw new TenantException("tenant " + name + " is revoked");
        put(t.toBuilder().setQuotas(quotas).build());
    }

    /** The tenant's record as this admin last read or wrote it. */
    public TenantRecord get(String name) throws TenantException { return existing(name); }

    /** Refuses every key of the tenant from now on (once each coordinator reads the record); its jobs stay in Kafka. */
    public void revoke(String name) throws TenantException, InterruptedException {
        put(existing(name).toBuilder().setRevoked(true).build());
    }

    public List<TenantRecord> list() { return tenants.list(); }

    private TenantRecord find(String name) {
        return tenants.list().stream().filter(t -> t.getName().equals(name)).findFirst().orElse(null);
    }

    private TenantRecord existing(String name) throws TenantException {
        TenantRecord t = find(name);
        if (t == null) throw new TenantException("no tenant " + name + " (ppfarm tenants list)");
        return t;
    }

    private static ByteString hash(String key) {
        return ByteString.copyFrom(ApiKeys.hash(ApiKeys.parse(key)));
    }

    private void put(TenantRecord r) throws InterruptedException {
        try {
            log.put(r.toBuilder().setUpdatedAt(Timestamps.fromMillis(System.currentTimeMillis())).build())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write tenant " + r.getName() + " to Kafka: " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
        tenants.learn(r.getName(), r);
    }

    @Override
    public void close() throws InterruptedException { log.close(); }
}
