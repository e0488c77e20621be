package org.ppfarm.gpukernels;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code ppfarm backend} reports, for each reason the GPU backend can be missing. */
class GpuAvailabilityTest {
    private static final GpuLibraries.BuildInfo BUILT = new GpuLibraries.BuildInfo("built", "built", "", "release 13.0");

    @Test
    void notBuiltSaysWhy() {
        var info = new GpuLibraries.BuildInfo("built", "skipped", "nvcc was not found on the PATH when gpu-kernels was built", "");
        GpuAvailability a = GpuAvailability.probe(info, Optional.empty());
        assertEquals(GpuAvailability.State.NOT_BUILT, a.state());
        assertTrue(a.describe().startsWith("backend: cpu\ngpu unavailable (not built): the CUDA kernels were not built: "
                + "nvcc was not found on the PATH"), a.describe());
    }

    @Test
    void builtButMissingLibrary() {
        GpuAvailability a = GpuAvailability.probe(BUILT, Optional.empty());
        assertEquals(GpuAvailability.State.NO_LIBRARY, a.state());
        assertTrue(a.reason().contains(GpuLibraries.CUDA), a.reason());
    }

    @Test
    void aForeignLibraryIsNotLoadedAsTheKernels() {
        Path foreign = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
        GpuAvailability a = GpuAvailability.probe(BUILT, Optional.of(foreign));
        assertEquals(GpuAvailability.State.LOAD_FAILED, a.state());
        assertEquals(foreign + " does not export ppg_library_info (stale or foreign library)", a.reason());
    }

    @Test
    void aMissingFileFailsToLoad(@TempDir Path dir) {
        Path missing = dir.resolve(GpuLibraries.CUDA);
        GpuAvailability a = GpuAvailability.probe(BUILT, Optional.of(missing));
        assertEquals(GpuAvailability.State.LOAD_FAILED, a.state());
        assertTrue(a.reason().startsWith("cannot load " + missing), a.reason());
    }

    @Test
    void theHostLibraryIsNotMistakenForCuda() {
        GpuAvailability a = GpuAvailability.probe(BUILT, Optional.of(Kernels.host().path()));
        assertEquals(GpuAvailability.State.LOAD_FAILED, a.state());
        assertTrue(a.reason().contains("is not a CUDA build (kind=host"), a.reason());
    }

    @Test
    void thisMachineIsDescribedConsistentlyWithItsBuild() {
        GpuAvailability a = GpuAvailability.probe();
        GpuLibraries.BuildInfo info = GpuLibraries.buildInfo();
        assertEquals("built", info.host(), "the host library is always built on linux-x86_64");
        if (!info.cudaBuilt()) {
            assertEquals(GpuAvailability.State.NOT_BUILT, a.state());
            assertTrue(a.describe().startsWith("backend: cpu"), a.describe());
            return;
        }
        // nvcc was here at build time: the library is packaged and loads; only the device decides
        assertTrue(a.state() == GpuAvailability.State.AVAILABLE || a.state() == GpuAvailability.State.NO_DEVICE,
                a.describe());
        assertTrue(a.library().orElseThrow().contains("kind=cuda;"), a.describe());
        if (a.state() == GpuAvailability.State.NO_DEVICE) {
            assertTrue(a.reason().contains("cudaGetDeviceCount"), "CUDA's own message is passed on: " + a.reason());
            assertTrue(a.describe().startsWith("backend: cpu\ngpu unavailable (no device): "), a.describe());
        } else {
            assertTrue(a.describe().startsWith("backend: gpu (cuda:0)\n"), a.describe());
        }
    }

    @Test
    void withoutADeviceTheCudaLibraryRefusesContextsCleanly() {
        Assumptions.assumeTrue(GpuLibraries.buildInfo().cudaBuilt(), "CUDA library not built here");
        Assumptions.assumeFalse(GpuAvailability.probe().available(), "this machine has a GPU");
        NativeKernels cuda = NativeKernels.load(GpuLibraries.require(GpuLibraries.CUDA));
        assertEquals(NativeKernels.Kind.CUDA, cuda.kind());
        GpuException e = assertThrows(GpuException.class, () -> cuda.open(0, 1L << 30));
        assertEquals(GpuException.Status.NO_DEVICE, e.status());
        assertTrue(e.getMessage().startsWith("ppg_context_create: cudaGetDeviceCount: "), e.getMessage());
        e = assertThrows(GpuException.class, GpuBackend::open);
        assertTrue(e.getMessage().startsWith("GPU backend unavailable: no usable CUDA device"), e.getMessage());
    }
}
