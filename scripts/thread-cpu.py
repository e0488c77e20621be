#!/usr/bin/env python3
"""Per-thread CPU of a running JVM, one line a second, and a summary of it over a `ppfarm load` run.

  scripts/thread-cpu.py sample PID FILE
      Appends, every second until PID exits, "HH:MM:SS name:ticks name:ticks ..." to FILE: the CPU each thread of
      PID used in that second (clock ticks from /proc/PID/task/*/stat, usually 100 a second; names as the kernel
      keeps them, 15 characters). Costs well under 1 % of a core.

  scripts/thread-cpu.py summarize FILE REPORT_DIR [MS]
      Over the measured run of the `ppfarm load` report in REPORT_DIR (summary.json's measured_from and duration_s):
      the cores the process kept busy, CPU seconds per succeeded request, the share of each thread group, and the
      seconds in which a request took longer than MS (default: none), each with its busiest threads, so that a
      latency burst can be laid beside what ran during it.

Both read only /proc and the report; neither needs root.
"""
import collections
import csv
import datetime
import json
import os
import re
import sys
import time

# thread-name prefixes (as /proc shows them) and the group each belongs to; the first match wins
GROUPS = [('C2 CompilerThre', 'JIT'), ('C1 CompilerThre', 'JIT'), ('GC Thread', 'GC'), ('VM Thread', 'VM'),
          ('ppfarm-msm', 'MSM threads'), ('ForkJoinPool.co', 'common pool'), ('worker', 'worker'),
          ('coordinator', 'coordinator'), ('kafka', 'broker'), ('data-plane', 'broker'), ('controller', 'broker'),
          ('grpc', 'gRPC'), ('ppfarm-pekko', 'Pekko'), ('ppfarm-load', 'load tool')]


def sample(pid, path):
    hz = os.sysconf('SC_CLK_TCK')
    prev = {}
    with open(path, 'a') as out:
        out.write(f'# pid {pid}, {hz} ticks a second\n')
        while os.path.exists(f'/proc/{pid}'):
            t = time.time()
            cur, row = {}, []
            for tid in os.listdir(f'/proc/{pid}/task'):
                try:
                    with open(f'/proc/{pid}/task/{tid}/stat') as f:
                        s = f.read()
                except OSError:
                    continue  # the thread ended meanwhile
                name = s[s.index('(') + 1:s.rindex(')')]
                fields = s[s.rindex(')') + 2:].split()
                cur[tid] = (name, int(fields[11]) + int(fields[12]))  # utime + stime
                if tid in prev and cur[tid][1] > prev[tid][1]:
                    row.append(f'{name}:{cur[tid][1] - prev[tid][1]}')
            out.write(time.strftime('%H:%M:%S', time.localtime(t)) + ' ' + ' '.join(sorted(row)) + '\n')
            out.flush()
            prev = cur
            time.sleep(max(0.0, 1 - (time.time() - t)))


def group(name):
    for prefix, g in GROUPS:
        if name.startswith(prefix):
            return g
    return 'other: ' + name


def read_samples(path):
    hz, seconds = 100, {}
    for line in open(path):
        if line.startswith('#'):
            m = re.search(r'(\d+) ticks', line)
            hz = int(m.group(1)) if m else hz
            continue
        stamp, _, rest = line.rstrip('\n').partition(' ')
        c = collections.Counter()
        for name, ticks in re.findall(r'(\S.*?):(\d+)(?= |$)', rest):
            c[name] += int(ticks)
        seconds[stamp] = c
    return hz, seconds


def summarize(path, report, slow_ms=None):
    hz, seconds = read_samples(path)
    s = json.load(open(os.path.join(report, 'summary.json')))
    if not s.get('measured_from'):
        sys.exit(f'{report}/summary.json has no measured_from (a report of ppfarm load from before session 16)')
    start = datetime.datetime.fromisoformat(s['measured_from'].replace('Z', '+00:00')).astimezone()
    n = int(s['duration_s'])
    stamps = [(start + datetime.timedelta(seconds=i)).strftime('%H:%M:%S') for i in range(n)]
    window = [seconds[x] for x in stamps if x in seconds]
    if not window:
        sys.exit(f'{path} has no sample in the measured run ({stamps[0]}..{stamps[-1]} local time)')
    total, groups = collections.Counter(), collections.Counter()
    for c in window:
        total.update(c)
    for name, ticks in total.items():
        groups[group(name)] += ticks
    cpu = sum(groups.values()) / hz
    jobs = s['counts']['succeeded']
    print(f'measured run {stamps[0]}..{stamps[-1]} ({len(window)} of {n} seconds sampled): {cpu / len(window):.2f} cores busy, '
          f'{cpu / max(1, jobs) * n / len(window):.3f} CPU-s per succeeded request ({jobs})')
    for g, ticks in groups.most_common(12):
        print(f'  {g:32s} {100 * ticks / sum(groups.values()):5.1f} %')
    if slow_ms is None:
        return
    rows = list(csv.DictReader(open(os.path.join(report, 'timeseries.csv'))))
    slow = [int(r['second']) for r in rows if r['max_ms'] and float(r['max_ms']) > slow_ms]
    print(f'seconds with a request over {slow_ms:g} ms: {slow or "none"}')
    for sec in sorted({x for t in slow for x in range(t - 5, t + 2) if 0 <= x < n}):
        c = seconds.get(stamps[sec], collections.Counter())
        top = ', '.join(f'{k}:{v}' for k, v in c.most_common(6))
        print(f'  {sec:4d} {stamps[sec]} {sum(c.values()) / hz:4.2f} cores  {top}')


if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == 'sample':
        sample(a[1], a[2])
    elif len(a) in (3, 4) and a[0] == 'summarize':
        summarize(a[1], a[2], float(a[3]) if len(a) == 4 else None)
    else:
        sys.exit(__doc__)
