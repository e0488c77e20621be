package org.ppfarm.loadtest.workload;

import org.ppfarm.privacypool.eth.Abi;
import org.ppfarm.privacypool.eth.Address;
import org.ppfarm.privacypool.protocol.PoolProtocol;
import org.ppfarm.privacypool.request.WithdrawRequest;
import org.ppfarm.prover.bn254.Field;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A simulated 0xbow privacy pool and one withdrawal from it, as a withdraw request document (privacypool's
 * {@link WithdrawRequest} JSON, what {@code SubmitRequest.withdraw_request_json} carries): a pool with a random
 * address, {@code deposits} deposits of 1 to 10 ether (deposit i has nonce i, its label as the contract derives it),
 * an ASP set approving all of them, and a relayed partial withdrawal of one, with a fresh change note. The notes'
 * nullifiers and secrets come from {@code random} (a {@link java.security.SecureRandom} for a demo, a seeded one for
 * a reproducible load test) and live only in the returned buffer, which the caller wipes once sent.
 */
public final class PoolSimulation {
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    private PoolSimulation() {}

    /**
     * @param request the request document (UTF-8), holding the note's secrets: wipe it once sent
     * @param publicSignals the withdraw circuit's public signals its proof must carry
     */
    public record Withdrawal(byte[] request, List<BigInteger> publicSignals, int deposits, int index, BigInteger value, BigInteger withdrawn) {}

    public static Withdrawal withdrawal(Random random, int deposits) {
        if (deposits < 1) throw new IllegalArgumentException("a pool needs a deposit");
        Address pool = Address.of(bytes(random, 20)), asset = Address.parse("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");
        BigInteger scope = PoolProtocol.scope(pool, BigInteger.ONE, asset);
        List<BigInteger> commitments = new ArrayList<>(), labels = new ArrayList<>();
        int mine = random.nextInt(deposits);
        BigInteger value = null, label = null, nullifier = null, secret = null;
        for (int i = 0; i < deposits; i++) {
            BigInteger v = ETHER.multiply(BigInteger.valueOf(1 + random.nextInt(10)));
            BigInteger l = PoolProtocol.label(scope, BigInteger.valueOf(i + 1));
            BigInteger n = field(random), s = field(random);
            commitments.add(PoolProtocol.commitment(v, l, PoolProtocol.precommitment(n, s)));
            labels.add(l); // the ASP approves every deposit of this simulated pool
            if (i == mine) { value = v; label = l; nullifier = n; secret = s; }
        }
        BigInteger withdrawn = value.divide(BigInteger.TWO);
        // relayed withdrawal: processooor is the entrypoint, data is abi.encode(recipient, feeRecipient, feeBPS)
        Address entrypoint = Address.of(bytes(random, 20));
        byte[] data = Abi.encode(Address.of(bytes(random, 20)), Address.of(bytes(random, 20)), BigInteger.valueOf(100));
        byte[] request = requestJson(scope, value, label, nullifier, secret, commitments, labels, entrypoint, data,
                withdrawn, field(random), field(random));
        try (WithdrawRequest r = WithdrawRequest.parse(new String(request, StandardCharsets.UTF_8)); var inputs = r.toInputs()) {
            return new Withdrawal(request, inputs.publicSignals(), deposits, mine, value, withdrawn);
        }
    }

    /** A uniformly random non-zero element of the BN254 scalar field. */
    public static BigInteger field(Random random) {
        BigInteger x;
        do x = new BigInteger(254, random); while (x.signum() == 0 || x.compareTo(Field.FR.modulus()) >= 0);
        return x;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The request document, built in a buffer the caller wipes. */
    private static byte[] requestJson(BigInteger scope, BigInteger value, BigInteger label, BigInteger nullifier, BigInteger secret,
                                      List<BigInteger> stateLeaves, List<BigInteger> aspLeaves, Address processooor, byte[] data,
                                      BigInteger withdrawn, BigInteger newNullifier, BigInteger newSecret) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(4096);
        put(b, "{\"scope\":\"" + scope + "\",\"note\":{\"value\":\"" + value + "\",\"label\":\"" + label + "\",\"nullifier\":\"");
        put(b, nullifier.toString());
        put(b, "\",\"secret\":\"");
        put(b, secret.toString());
        put(b, "\"},\"stateLeaves\":" + quoted(stateLeaves) + ",\"aspLeaves\":" + quoted(aspLeaves)
                + ",\"withdrawal\":{\"processooor\":\"" + processooor + "\",\"data\":\"0x" + HexFormat.of().formatHex(data)
                + "\"},\"withdrawnValue\":\"" + withdrawn + "\",\"newNullifier\":\"");
        put(b, newNullifier.toString());
        put(b, "\",\"newSecret\":\"");
        put(b, newSecret.toString());
        put(b, "\"}");
        return b.toByteArray();
    }

    private static void put(ByteArrayOutputStream b, String s) { b.writeBytes(s.getBytes(StandardCharsets.UTF_8)); }

    private static String quoted(List<BigInteger> xs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < xs.size(); i++) sb.append(i == 0 ? "\"" : ",\"").append(xs.get(i)).append('"');
        return sb.append(']').toString();
    }
}
