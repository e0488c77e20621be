package org.ppfarm.coordinator.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The few fields of a snarkjs .zkey header the registry records (the engine's reader parses the whole key on the
 * worker). Layout: magic "zkey", u32 version, u32 section count, then sections (u32 id, u64 length, body); section 1
 * holds the protocol (1 = Groth16), section 2 the Groth16 header: n8q, q, n8r, r, nVars, nPublic, domainSize, ...
 */
record ZkeyHeader(int nVars, int nPublic, int domainSize) {
    static ZkeyHeader read(Path file) throws CircuitRegistry.RegistrationException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, b, 0);
            if (b.getInt(0) != 0x79656b7a) throw new CircuitRegistry.RegistrationException("zkey: not a .zkey file (magic)");
            int sections = b.getInt(8);
            long pos = 12;
            int protocol = -1;
            for (int i = 0; i < sections && pos + 12 <= ch.size(); i++) {
                ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, h, pos);
                int id = h.getInt(0);
                long len = h.getLong(4);
                if (id == 1) {
                    ByteBuffer p = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                    readFully(ch, p, pos + 12);
                    protocol = p.getInt(0);
                } else if (id == 2) {
                    if (protocol != 1) throw new CircuitRegistry.RegistrationException("zkey: protocol " + protocol + " is not Groth16");
                    ByteBuffer s = ByteBuffer.allocate((int) Math.min(len, 256)).order(ByteOrder.LITTLE_ENDIAN);
                    readFully(ch, s, pos + 12);
                    int n8q = s.getInt(0);
                    int n8r = s.getInt(4 + n8q);
                    int o = 8 + n8q + n8r;
                    return new ZkeyHeader(s.getInt(o), s.getInt(o + 4), s.getInt(o + 8));
                }
                pos += 12 + len;
            }
            throw new CircuitRegistry.RegistrationException("zkey: no Groth16 header section");
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new CircuitRegistry.RegistrationException("zkey: truncated or unreadable header (" + e.getMessage() + ")");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }
}
