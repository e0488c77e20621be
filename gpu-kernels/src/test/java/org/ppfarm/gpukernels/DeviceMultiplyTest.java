package org.ppfarm.gpukernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device's Montgomery product (cpu-kernels' {@code field_ptx.cuh}: 8 x 32-bit limbs, PTX {@code mad.cc} carry
 * chains) on the host, through the g++ emulation of its instructions, equals the host's product limb for limb on
 * Fr and Fq edge and random values ({@code native/test/device_multiply_check.cpp}, compiled here with g++). No host
 * library runs that product, so this is where its algorithm and carry logic are tested without a GPU; the PTX
 * encoding itself is checked only on a device, by {@code device-check} comparing device and host results.
 */
class DeviceMultiplyTest {
    @Test
    void emulatedDeviceProductEqualsTheHostProduct(@TempDir Path dir) throws IOException, InterruptedException {
        Path root = Repo.root();
        Path exe = dir.resolve("device-multiply-check");
        run(List.of("g++", "-std=c++17", "-O2", "-I", root.resolve("cpu-kernels/native/include").toString(),
                root.resolve("gpu-kernels/native/test/device_multiply_check.cpp").toString(), "-o", exe.toString()));
        String out = run(List.of(exe.toString(), "200000"));
        assertTrue(out.contains("Fr: 200121 products, 0 mismatches"), out);
        assertTrue(out.contains("Fq: 200121 products, 0 mismatches"), out);
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), cmd + ":\n" + out);
        return out;
    }
}
