package org.ppfarm.coordinator.tenants;

import org.ppfarm.proto.v1.TenantQuotas;

/**
 * Who a call is from: a tenant of the tenants topic (its API key checked), or {@link #ANONYMOUS} — a call without a
 * key where {@code auth.required=false}. A tenant owns the jobs it submits and scopes their idempotency keys;
 * {@code admin} may register circuits.
 */
public record Tenant(String name, boolean admin, TenantQuotas quotas) {
    /**
     * A call without a key on a farm that does not require one: it owns the jobs submitted without a key (tenant ""),
     * and may register circuits, as every caller could before tenants existed.
     */
    public static final Tenant ANONYMOUS = new Tenant("", true, TenantQuotas.getDefaultInstance());
}
