/**
 * The privacy-pool protocol library: everything between "prove this withdrawal of this note" and a circuit's input
 * signals, with every impossible request refused before a prover is spent on it.
 * <ul>
 *   <li>{@code hash} — Poseidon exactly as circomlib/circomlibjs (1..5 inputs), allocation-free over Montgomery limbs.</li>
 *   <li>{@code eth} — Keccak-256, addresses (EIP-55), the ABI encodings the contracts hash, BIP-39/32 key derivation.</li>
 *   <li>{@code tree} — the Lean IMT of @zk-kit/lean-imt (0xbow's state and ASP trees) and the fixed-depth trees of the
 *       subset design.</li>
 *   <li>{@code protocol} — 0xbow notes, keys, scope/label/context, and the withdraw and commitment (ragequit) inputs
 *       with their named refusals ({@link org.ppfarm.privacypool.protocol.InputRejectedException}).</li>
 *   <li>{@code request} — the request JSON the CLI and the farm accept, and
 *       {@link org.ppfarm.privacypool.request.PoolInputs}, the {@code ppfarm inputs withdraw|ragequit} logic.</li>
 *   <li>{@code subset} — allow/block lists, their encodings, and the inputs of {@code circuits/subset_withdraw.circom}.</li>
 * </ul>
 * Spending keys (nullifiers, secrets, master keys) live in {@code long[]} limbs that {@code close()} wipes, never
 * appear in {@code toString()} or exception messages, and are never written to disk by this library.
 */
package org.ppfarm.privacypool;
