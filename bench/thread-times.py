#!/usr/bin/env python3
"""Runs a command and samples every thread of its process tree twice a second from /proc: on-CPU
time, time runnable but waiting for a core (run queue), and lifetime, so sleep = lifetime - cpu -
wait. The command's output passes through; the threads' last samples go to --out as a JSON list.
Sleep separates a thread that had nothing to do (idle input, a stall) from one that waited for a
core on a loaded machine. usage: bench/thread-times.py --out FILE -- cmd args..."""
import os, sys, time, json, subprocess, re
argv = sys.argv[1:]
out = argv[argv.index('--out') + 1]; cmd = argv[argv.index('--') + 1:]
HZ = os.sysconf('SC_CLK_TCK')
def uptime(): return float(open('/proc/uptime').read().split()[0])
def children_map():
    m = {}
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                st = open(f'/proc/{p}/stat').read()
                ppid = int(st[st.rindex(')') + 2:].split()[1]); m.setdefault(ppid, []).append(int(p))
            except Exception: pass
    return m
def tree(root):
    m = children_map(); res = [root]; i = 0
    while i < len(res):
        res += m.get(res[i], []); i += 1
    return res
threads = {}  # (pid, tid) -> dict
proc = subprocess.Popen(cmd)
def sample():
    now = uptime()
    for pid in tree(proc.pid):
        try:
            pcmd = open(f'/proc/{pid}/cmdline').read().replace('\0', ' ')
            for tid in os.listdir(f'/proc/{pid}/task'):
                try:
                    st = open(f'/proc/{pid}/task/{tid}/stat').read()
                    comm = st[st.index('(') + 1:st.rindex(')')]
                    start = int(st[st.rindex(')') + 2:].split()[19]) / HZ
                    run, wait, slices = map(int, open(f'/proc/{pid}/task/{tid}/schedstat').read().split())
                    threads[(pid, int(tid))] = dict(pid=pid, tid=int(tid), comm=comm, start=start, last=now,
                        cpu=run / 1e9, wait=wait / 1e9, proc='worker' if 'dev.weir.runtime.worker' in pcmd or 'WorkerMain' in pcmd else pcmd[:60])
                except Exception: pass
        except Exception: pass
while proc.poll() is None:
    sample(); time.sleep(0.5)
json.dump(list(threads.values()), open(out, 'w'))
sys.exit(proc.returncode)
