#!/usr/bin/env python3
"""Puts fr_kernels.h's Fr_F1m_mul and Fr_copy in front of circom's own in a wasm2c output (scripts/bench-wasm2c-witness.sh).

The experiment finds the functions by the names circom's wasm carries; a product path would recognise them by their
bodies, as session 11's FrFunctions did, since a name proves nothing. Usage: patch_kernels.py IN.c OUT.c
"""
import re
import sys

src = open(sys.argv[1]).read()
inst = re.search(r"^typedef struct (Z_\w+_instance_t) \{", open(sys.argv[1][:-2] + ".h").read(), re.M).group(1)
mul = f"static void w2c_Fr_F1m_mul({inst}* instance, u32 w2c_x, u32 w2c_y, u32 w2c_r) {{"
copy = f"static void w2c_Fr_copy({inst}* instance, u32 w2c_pr, u32 w2c_px) {{"
for sig in (mul, copy):
    if src.count(sig) != 1:
        sys.exit(f"patch_kernels: {sig!r} not found once in {sys.argv[1]}")
src = src.replace(mul, mul.replace("w2c_Fr_F1m_mul(", "w2c_Fr_F1m_mul_plain("))
src = src.replace(copy, copy.replace("w2c_Fr_copy(", "w2c_Fr_copy_plain("))
kernels = f"""
static void w2c_Fr_F1m_mul_plain({inst}*, u32, u32, u32);
static void w2c_Fr_copy_plain({inst}*, u32, u32);
#include "fr_kernels.h"
static void w2c_Fr_F1m_mul({inst}* instance, u32 x, u32 y, u32 r) {{
  wasm_rt_memory_t* m = &instance->w2c_memory;
  u64 a[4], b[4], q[4], o[4];
  if ((u64) x + 32 > m->size || (u64) y + 32 > m->size || (u64) r + 32 > m->size || 640 > m->size) {{
    w2c_Fr_F1m_mul_plain(instance, x, y, r);   /* circom's code traps, perhaps after writing part of r */
    return;
  }}
  memcpy(a, m->data + x, 32); memcpy(b, m->data + y, 32); memcpy(q, m->data + 608, 32);
  if (memcmp(q, PPFARM_R, 32) || !ppfarm_below_r(a) || !ppfarm_below_r(b)) {{
    w2c_Fr_F1m_mul_plain(instance, x, y, r);
    return;
  }}
  ppfarm_mont_mul(o, a, b);
  memcpy(m->data + r, o, 32);
}}
static void w2c_Fr_copy({inst}* instance, u32 pr, u32 px) {{
  wasm_rt_memory_t* m = &instance->w2c_memory;
  u64 t[5];
  if ((u64) pr + 40 > m->size || (u64) px + 40 > m->size) {{
    w2c_Fr_copy_plain(instance, pr, px);
    return;
  }}
  memcpy(t, m->data + px, 40); memcpy(m->data + pr, t, 40);
}}
"""
# after the forward declarations: before the first function body
first = re.search(r"^static \w+ w2c_\w+\(" + re.escape(inst) + r"\* instance", src, re.M)
src = src[:first.start()] + kernels + "\n" + src[first.start():]
open(sys.argv[2], "w").write(src)
