package org.ppfarm.coordinator.tenants;

import org.ppfarm.proto.v1.TenantRecord;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The farm's tenants as this coordinator last read them from the tenants topic (compacted, key: name): each record
 * replaces the tenant's previous one, so a rotated key stops working and a revoked tenant is refused as soon as the
 * coordinator reads the record. Answers API keys. Thread-safe: read on the gRPC threads, written by the topic's
 * follower.
 */
public final class TenantDirectory {
    /** Why a key was refused: a metric label and a log word, never the key. */
    public enum Refusal { MALFORMED, UNKNOWN_TENANT, WRONG_KEY, REVOKED }

    /** A refused key. Maps to UNAUTHENTICATED (one description for every reason: it reveals no tenant). */
    public static final class RefusedKeyException extends Exception {
        private final Refusal reason;
        private final String tenant;

        RefusedKeyException(Refusal reason, String tenant) {
            this("API key not valid", reason, tenant);
        }

        RefusedKeyException(String message, Refusal reason, String tenant) {
            super(message, null, false, false);
            this.reason = reason;
            this.tenant = tenant;
        }

        public Refusal reason() { return reason; }

        /** The tenant the key named ("" if it named none): for the log, never for the caller. */
        public String tenant() { return tenant; }
    }

    private final Map<String, TenantRecord> tenants = new ConcurrentHashMap<>();
    /**
     * Tenants whose record has a webhook secret or allowlist: each put or remove is atomic and returns the record it
     * replaced, so the count stays exact whoever calls {@link #learn}.
     */
    private final AtomicInteger withWebhooks = new AtomicInteger();

    /** A record of the tenants topic; null value (a tombstone) for {@code name}: the tenant is gone. */
    public void learn(String name, TenantRecord record) {
        TenantRecord old = record == null ? tenants.remove(name) : tenants.put(name, record);
        withWebhooks.addAndGet(webhooks(record) - webhooks(old));
    }

    private static int webhooks(TenantRecord t) {
        return t != null && (!t.getWebhookSecret().isEmpty() || t.getWebhook().getAllowedHostsCount() > 0) ? 1 : 0;
    }

    /**
     * Whether any tenant as last read has webhooks (a secret or an allowlist; revoked ones too, whose pending webhooks
     * are still settled as failed): without one no job can name a callback URL, so there is nothing to deliver.
     */
    public boolean anyWebhooks() {
        return withWebhooks.get() > 0;
    }

    /** The tenant whose key this is. */
    public Tenant authenticate(String key) throws RefusedKeyException {
        ApiKeys.Parsed k = ApiKeys.parse(key);
        if (k == null) throw new RefusedKeyException(Refusal.MALFORMED, "");
        TenantRecord t = tenants.get(k.tenant());
        if (t == null) throw new RefusedKeyException(Refusal.UNKNOWN_TENANT, k.tenant());
        if (!MessageDigest.isEqual(t.getKeySha256().toByteArray(), ApiKeys.hash(k))) throw new RefusedKeyException(Refusal.WRONG_KEY, k.tenant());
        if (t.getRevoked()) throw new RefusedKeyException(Refusal.REVOKED, k.tenant());
        return new Tenant(t.getName(), t.getAdmin(), t.getQuotas());
    }

    /** The tenant's record as last read (revoked ones too), or null if there is none. */
    public TenantRecord record(String name) {
        return tenants.get(name);
    }

    /**
     * Whether the tenant may submit plaintext inputs on a farm that refuses them ({@code TenantRecord.plaintext_allowed},
     * {@code ppfarm tenants add --allow-plaintext}); false for a tenant that is unknown or revoked, and for the
     * anonymous one, which has no record.
     */
    public boolean plaintextAllowed(String name) {
        TenantRecord t = tenants.get(name);
        return t != null && !t.getRevoked() && t.getPlaintextAllowed();
    }

    /**
     * The tenant a client certificate names (the gRPC API's CA vouched for it, so there is no secret to check); the
     * refusal's one description tells no unknown tenant from a revoked one.
     */
    public Tenant byCertificate(String name) throws RefusedKeyException {
        TenantRecord t = tenants.get(name);
        if (t == null) throw new RefusedKeyException("client certificate names no valid tenant", Refusal.UNKNOWN_TENANT, name);
        if (t.getRevoked()) throw new RefusedKeyException("client certificate names no valid tenant", Refusal.REVOKED, name);
        return new Tenant(t.getName(), t.getAdmin(), t.getQuotas());
    }

    /** Every tenant known, in name order. */
    public List<TenantRecord> list() {
        return tenants.values().stream().sorted(java.util.Comparator.comparing(TenantRecord::getName)).toList();
    }
}
