package org.ppfarm.cli;

import org.ppfarm.client.FarmClient;
import org.ppfarm.prover.PpfarmException;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * How a farm client command reaches a farm beyond its address: TLS ({@code --tls-ca}, and {@code --tls-cert} /
 * {@code --tls-key} for a farm that asks for client certificates) and the tenant's API key ({@code --api-key}, or
 * the environment variable {@code PPFARM_API_KEY}, which keeps the key out of the process list and shell history).
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

    FarmClient connect(String server) {
        FarmClient.Builder b = FarmClient.builder(server);
        if (tlsCa != null) b.tls(Inputs.file(tlsCa));
        if ((tlsCert == null) != (tlsKey == null)) throw new PpfarmException("--tls-cert and --tls-key go together");
        if (tlsCert != null) {
            if (tlsCa == null) throw new PpfarmException("--tls-cert needs --tls-ca");
            b.clientCertificate(Inputs.file(tlsCert), Inputs.file(tlsKey));
        }
        if (apiKey != null && !apiKey.isEmpty()) b.apiKey(apiKey);
        return b.build();
    }
}
