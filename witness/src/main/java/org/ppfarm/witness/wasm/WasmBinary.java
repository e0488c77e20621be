package org.ppfarm.witness.wasm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The bits of the WebAssembly binary format ppfarm rewrites: LEB128, the section list, reassembly (for the
 * outliner), and function bodies replaced by stubs (for the compiled-circuit cache).
 */
public final class WasmBinary {
    private WasmBinary() {}

    /**
     * The module with the body of every defined function not in {@code keep} (function indices, imports counted)
     * replaced by {@code unreachable}; every other byte as it was. When all functions run as compiled classes, the
     * runtime never reads their bodies, and the stubbed module parses in a fraction of the time; a stub that were
     * ever run would trap, not compute.
     */
    public static byte[] stubBodies(byte[] wasm, int importedFunctions, java.util.Set<Integer> keep) {
        Sections sections = Sections.of(wasm);
        ByteArrayOutputStream result = new ByteArrayOutputStream(wasm.length);
        result.write(wasm, 0, 8);
        for (int s = 0; s < sections.count(); s++) {
            if (sections.id(s) != 10) {
                result.write(wasm, sections.start(s), sections.payloadEnd(s) - sections.start(s));
                continue;
            }
            Reader r = new Reader(wasm, sections.payloadStart(s));
            int n = r.u32();
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            u32(p, n);
            for (int d = 0; d < n; d++) {
                int size = r.u32();
                if (keep.contains(importedFunctions + d)) {
                    u32(p, size);
                    p.write(wasm, r.pos, size);
                } else {
                    p.writeBytes(new byte[] {3, 0, 0x00, 0x0b});  // size 3: no locals, unreachable, end
                }
                r.pos += size;
            }
            section(result, 10, p.toByteArray());
        }
        return result.toByteArray();
    }

    /**
     * The module with its type, function and code sections extended by {@code added}; every other section is
     * copied byte for byte (indices of existing types and functions do not move).
     */
    static byte[] assemble(byte[] wasm, Sections sections, int defined, int[] bodyStart, int[] bodyEnd, byte[][] bodies,
                          FunctionOutliner.NewFunctions added) {
        ByteArrayOutputStream result = new ByteArrayOutputStream(wasm.length + wasm.length / 8);
        result.write(wasm, 0, 8);  // magic and version
        for (int s = 0; s < sections.count(); s++) {
            int id = sections.id(s);
            if (id == 1 || id == 3) {  // types, function signatures: append
                Reader r = new Reader(wasm, sections.payloadStart(s));
                int n = r.u32();
                ByteArrayOutputStream p = new ByteArrayOutputStream();
                u32(p, n + (id == 1 ? added.types.size() : added.functionTypes.size()));
                p.write(wasm, r.pos, sections.payloadEnd(s) - r.pos);
                if (id == 1) for (byte[] t : added.types) p.writeBytes(t);
                else for (int t : added.functionTypes) u32(p, t);
                section(result, id, p.toByteArray());
            } else if (id == 10) {
                ByteArrayOutputStream p = new ByteArrayOutputStream(wasm.length);
                u32(p, defined + added.bodies.size());
                for (int d = 0; d < defined; d++) {
                    if (bodies[d] == null) {
                        u32(p, bodyEnd[d] - bodyStart[d]);
                        p.write(wasm, bodyStart[d], bodyEnd[d] - bodyStart[d]);
                    } else {
                        u32(p, bodies[d].length);
                        p.writeBytes(bodies[d]);
                    }
                }
                for (byte[] b : added.bodies) {
                    u32(p, b.length);
                    p.writeBytes(b);
                }
                section(result, id, p.toByteArray());
            } else {
                result.write(wasm, sections.start(s), sections.payloadEnd(s) - sections.start(s));
            }
        }
        return result.toByteArray();
    }

    static void section(ByteArrayOutputStream out, int id, byte[] payload) {
        out.write(id);
        u32(out, payload.length);
        out.writeBytes(payload);
    }

    static void u32(ByteArrayOutputStream out, int v) {
        do {
            int b = v & 0x7f;
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    /** LEB128 reader over the raw module. */
    static final class Reader {
        final byte[] b;
        int pos;

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        int u32() {
            int result = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[pos++] & 0xff;
                result |= (x & 0x7f) << shift;
                if ((x & 0x80) == 0) return result;
                if (shift >= 28) throw new IllegalArgumentException("malformed LEB128 at byte " + (pos - 1));
            }
        }

        long s33() {
            long result = 0;
            int shift = 0;
            int x;
            do {
                x = b[pos++] & 0xff;
                result |= (long) (x & 0x7f) << shift;
                shift += 7;
            } while ((x & 0x80) != 0 && shift < 35);
            if (shift < 64 && (x & 0x40) != 0) result |= -1L << shift;
            return result;
        }
    }

    /** The top-level sections of a module: id, where the section starts, where its payload starts and ends. */
    record Sections(int[] ids, int[] starts, int[] payloadStarts, int[] payloadEnds) {
        static Sections of(byte[] wasm) {
            List<int[]> list = new ArrayList<>();
            Reader r = new Reader(wasm, 8);
            while (r.pos < wasm.length) {
                int start = r.pos;
                int id = wasm[r.pos++] & 0xff;
                int size = r.u32();
                list.add(new int[] {id, start, r.pos, r.pos + size});
                r.pos += size;
            }
            int n = list.size();
            int[] ids = new int[n], starts = new int[n], ps = new int[n], pe = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = list.get(i)[0];
                starts[i] = list.get(i)[1];
                ps[i] = list.get(i)[2];
                pe[i] = list.get(i)[3];
            }
            return new Sections(ids, starts, ps, pe);
        }

        int count() { return ids.length; }
        int id(int s) { return ids[s]; }
        int start(int s) { return starts[s]; }
        int payloadStart(int s) { return payloadStarts[s]; }
        int payloadEnd(int s) { return payloadEnds[s]; }

        int find(int id) {
            for (int s = 0; s < ids.length; s++) if (ids[s] == id) return s;
            return -1;
        }
    }
}
