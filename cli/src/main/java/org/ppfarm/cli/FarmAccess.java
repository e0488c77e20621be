package org.ppfarm.cli;

import org.ppfarm.client.FarmClient;
import org.ppfarm.prover.PpfarmException;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * How a farm client command reaches a farm beyond its address: TLS ({@code --tls-ca}, and {@code --tls-cert} /
 * {@code --tls-key} for a farm that asks for client certificates), the tenant's API key ({@code --api-key}, or
 * the environment variable {@code PPFARM_API_KEY}, which keeps the key out of the process list and shell history),
 * and client-side sealing of inputs to the farm's pinned sealing key ({@code --seal-key-fingerprint}).
 */
final class FarmAccess {
    @Option(names = "--tls-ca", paramLabel = "FILE", description = "Use TLS, trusting the CA certificates in this PEM file (ppfarm up --secure prints it).")
    Path tlsCa;
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Client certificate (PEM) for a farm that asks for one; with --tls-key and --tls-ca.")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "FILE", description = "The client certificate's private key (PEM, PKCS#8).")
    Path tlsKey;
    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:PPFARM_API_KEY}",
            description = "The tenant's API key (default: $PPFARM_API_KEY).")
    String apiKey;
    @Option(names = "--seal-key-fingerprint", paramLabel = "SHA256", defaultValue = "${env:PPFARM_SEAL_KEY_FINGERPRINT}",
            description = "Seal job inputs on this machine to the farm's sealing key, used only if its SHA-256 is this "
                    + "(ppfarm keys seal and ppfarm up --secure print it; default: $PPFARM_SEAL_KEY_FINGERPRINT). "
                    + "Without it, inputs are sent in plaintext (over TLS if --tls-ca), which a farm may refuse.")
    String sealKeyFingerprint;

    FarmClient connect(String server) { return configure(FarmClient.builder(server)).build(); }

    /** {@code b} with the TLS, API key and sealing options given; a bad combination or file is refused here. */
    FarmClient.Builder configure(FarmClient.Builder b) {
        if (tlsCa != null) b.tls(Inputs.file(tlsCa));
        if ((tlsCert == null) != (tlsKey == null)) throw new PpfarmException("--tls-cert and --tls-key go together");
        if (tlsCert != null) {
            if (tlsCa == null) throw new PpfarmException("--tls-cert needs --tls-ca");
            b.clientCertificate(Inputs.file(tlsCert), Inputs.file(tlsKey));
        }
        if (apiKey != null && !apiKey.isEmpty()) b.apiKey(apiKey);
        if (sealKeyFingerprint != null && !sealKeyFingerprint.isEmpty()) {
            try {
                b.sealInputs(sealKeyFingerprint);
            } catch (IllegalArgumentException e) {
                throw new PpfarmException("--seal-key-fingerprint: " + e.getMessage());
            }
        }
        return b;
    }
}
