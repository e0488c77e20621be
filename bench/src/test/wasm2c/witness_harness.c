// Times a circom 2 witness compiled to C by wabt's wasm2c (scripts/bench-wasm2c-witness.sh builds it): the module's
// own exports (init, writeSharedRWMemory, setInputSignal, getWitness, readSharedRWMemory), one instance reused as a
// warm node reuses its WitnessCalculator. An experiment measuring how fast circom's wasm runs as native code, not a
// product path: a trap or a failed assertion ends the process.
//
//   harness CALLS RUNS OUT     CALLS: the input as witness-calls.mjs writes it; OUT: the last witness (n32 words
//                              per signal, little-endian: the .wtns witness section)
// Built with -DCIRCUIT=<module name> -DCIRCUIT_H='"<name>.h"'. Prints the median and minimum wall time per witness.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wasm-rt.h"
#include CIRCUIT_H

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define MODULE(x) CAT(CAT(Z_, CIRCUIT), x)
#define EXPORT(x) CAT(MODULE(Z_), x)
typedef MODULE(_instance_t) instance_t;

struct Z_runtime_instance_t { int unused; };
void Z_runtimeZ_exceptionHandler(struct Z_runtime_instance_t* r, u32 code) {
    (void) r;
    fprintf(stderr, "circom exception %u\n", code);
    exit(3);
}
void Z_runtimeZ_printErrorMessage(struct Z_runtime_instance_t* r) { (void) r; }
void Z_runtimeZ_showSharedRWMemory(struct Z_runtime_instance_t* r) { (void) r; }
void Z_runtimeZ_writeBufferMessage(struct Z_runtime_instance_t* r) { (void) r; }

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void* a, const void* b) {
    double x = *(const double*) a, y = *(const double*) b;
    return (x > y) - (x < y);
}

int main(int argc, char** argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s CALLS RUNS OUT\n", argv[0]); return 2; }
    FILE* f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    static unsigned char calls[1 << 22];
    size_t len = fread(calls, 1, sizeof calls, f);
    fclose(f);
    u32 count;
    memcpy(&count, calls, 4);
    if (len != 4 + (size_t) count * 44) { fprintf(stderr, "%s: %zu bytes, expected %u records of 44\n", argv[1], len, count); return 2; }
    int runs = atoi(argv[2]);
    if (runs < 1) { fprintf(stderr, "RUNS must be positive\n"); return 2; }

    wasm_rt_init();
    MODULE(_init_module)();
    static instance_t inst;
    MODULE(_instantiate)(&inst, NULL);
    u32 n32 = EXPORT(getFieldNumLen32)(&inst);
    if (n32 != 8) { fprintf(stderr, "field of %u words, expected 8 (BN254)\n", n32); return 2; }

    double* ms = malloc(sizeof(double) * runs);
    u32 signals = 0;
    u32* witness = NULL;
    for (int r = 0; r < runs; r++) {
        double t = now_ms();
        EXPORT(init)(&inst, 1);
        for (u32 k = 0; k < count; k++) {
            u32 rec[11];   // hash MSB, hash LSB, index, 8 words of the value (least significant first)
            memcpy(rec, calls + 4 + (size_t) k * 44, 44);
            for (u32 j = 0; j < n32; j++) EXPORT(writeSharedRWMemory)(&inst, j, rec[3 + j]);
            EXPORT(setInputSignal)(&inst, rec[0], rec[1], rec[2]);
        }
        signals = EXPORT(getWitnessSize)(&inst);
        if (!witness) witness = malloc((size_t) signals * n32 * 4);
        for (u32 i = 0; i < signals; i++) {
            EXPORT(getWitness)(&inst, i);
            for (u32 j = 0; j < n32; j++) witness[(size_t) i * n32 + j] = EXPORT(readSharedRWMemory)(&inst, j);
        }
        ms[r] = now_ms() - t;
    }
    qsort(ms, runs, sizeof(double), by_value);
    printf("%u signals, %d runs: median %.3f ms, min %.3f ms\n", signals, runs, ms[runs / 2], ms[0]);
    FILE* o = fopen(argv[3], "wb");
    if (!o || fwrite(witness, 4, (size_t) signals * n32, o) != (size_t) signals * n32) { perror(argv[3]); return 2; }
    fclose(o);
    return 0;
}
