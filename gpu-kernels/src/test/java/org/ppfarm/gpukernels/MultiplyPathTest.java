package org.ppfarm.gpukernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host library multiplies with the product this run asked for. The build runs the kernel tests twice (see the
 * pom's {@code portable-multiply} execution): once as the machine allows (the ADX product on most x86 CPUs) and once
 * with {@code PPFARM_NO_ADX=1}, where the portable product (the g++ builds' CIOS loop on CPUs without ADX) must be
 * the one in use, or that second run would test nothing new. The device's product is {@link DeviceMultiplyTest}'s. Both runs compare every result limb for limb with
 * BigInteger and with the Java engine.
 */
class MultiplyPathTest {
    @Test
    void hostLibraryUsesTheRequestedProduct() throws IOException {
        String info = Kernels.host().info();
        String off = System.getenv("PPFARM_NO_ADX");
        boolean forcedOff = off != null && !off.isEmpty() && !off.equals("0");
        String want = forcedOff || !cpuHasAdx() ? "mul=portable" : "mul=adx";
        assertTrue(Arrays.asList(info.split(";")).contains(want),
                "PPFARM_NO_ADX=" + off + ", CPU ADX+BMI2=" + cpuHasAdx() + ": expected " + want + " in " + info);
    }

    /** From /proc/cpuinfo's flags line: what __builtin_cpu_supports("bmi2") && ("adx") answers in the library. */
    private static boolean cpuHasAdx() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) return false;
        for (String line : Files.readAllLines(cpuinfo)) {
            if (line.startsWith("flags")) {
                List<String> flags = Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                return flags.contains("adx") && flags.contains("bmi2");
            }
        }
        return false;
    }
}
