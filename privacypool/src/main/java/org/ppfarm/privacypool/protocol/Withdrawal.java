package org.ppfarm.privacypool.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import org.ppfarm.privacypool.eth.Address;

/**
 * The contracts' {@code IPrivacyPool.Withdrawal {address processooor; bytes data}}: who may process the withdrawal
 * (the Entrypoint for relayed ones, the recipient for direct ones) and the relay data; the proof binds to it through
 * the context.
 */
public record Withdrawal(Address processooor, byte[] data) {
    public Withdrawal {
        data = data.clone();
    }

    @Override public byte[] data() { return data.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof Withdrawal w && processooor.equals(w.processooor) && Arrays.equals(data, w.data);
    }

    @Override public int hashCode() { return 31 * processooor.hashCode() + Arrays.hashCode(data); }

    @Override public String toString() {
        return "Withdrawal[processooor=" + processooor + ", data=0x" + HexFormat.of().formatHex(data) + "]";
    }
}
